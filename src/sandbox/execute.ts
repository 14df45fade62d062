// Runs one endpoint call (validation, handler, errors) and turns what happened into the HTTP answer
// fal would give: the model's status, body and headers. Shared by direct runs and the queue.
import { FAL_HEADERS } from '../common/falHeaders';
import { INFRA_ERRORS, type InfraErrorType } from '../common/falErrorTypes';
import type { EndpointCall, SandboxEndpoint } from './endpoints/types';
import { EndpointError } from './endpoints/types';
import { validateInput } from './validate';

export interface Outcome {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export function errorOutcome(err: unknown): Outcome {
  if (err instanceof EndpointError) return { status: err.status, body: err.body, headers: err.headers };
  if (err instanceof Error && err.name === 'AbortError') {
    return { status: 499, body: { detail: 'Request was cancelled' }, headers: {} };
  }
  return {
    status: 500,
    body: { detail: `Internal Server Error: ${(err as Error)?.message ?? err}` },
    headers: {},
  };
}

/** fal's answer for one of its infrastructure failures: `detail`, `error_type` and the header. */
export function infraOutcome(type: InfraErrorType): Outcome {
  const { status, detail } = INFRA_ERRORS[type];
  return { status, body: { detail, error_type: type }, headers: { [FAL_HEADERS.errorType]: type } };
}

/** Validates `input` (coercing strings when it came from a query string) and runs the handler. */
export async function executeEndpoint(
  endpoint: SandboxEndpoint,
  input: Record<string, unknown>,
  call: EndpointCall,
  coerce: boolean,
): Promise<Outcome> {
  const checked = validateInput(endpoint, input, coerce);
  if (!checked.ok) return { status: 422, body: { detail: checked.errors }, headers: {} };
  try {
    const body = await endpoint.run(checked.input, call);
    return { status: 200, body, headers: {} };
  } catch (err) {
    return errorOutcome(err);
  }
}
