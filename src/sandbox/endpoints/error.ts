// `sandbox/error`: answers as fal does for the status asked: 422 with a `detail` array, 500, 503
// with `x-fal-error-type`, 504 with `x-fal-request-timeout-type: user`; for error handling tests.
import { FAL_HEADERS } from '../../common/falHeaders';
import { EndpointError, type EndpointCall, type SandboxEndpoint } from './types';

export function falError(status: number, detail?: string): EndpointError {
  switch (status) {
    case 422:
      return new EndpointError(422, {
        detail: [
          {
            loc: ['body', 'prompt'],
            msg: detail ?? 'field required',
            type: 'value_error.missing',
          },
        ],
      });
    case 503:
      return new EndpointError(
        503,
        { detail: detail ?? 'Runner connection refused', error_type: 'runner_connection_refused' },
        { [FAL_HEADERS.errorType]: 'runner_connection_refused' },
      );
    case 504:
      return new EndpointError(
        504,
        { detail: detail ?? 'Request timed out', error_type: 'request_timeout' },
        { [FAL_HEADERS.requestTimeoutType]: 'user', [FAL_HEADERS.errorType]: 'request_timeout' },
      );
    case 500:
      return new EndpointError(500, { detail: detail ?? 'Internal Server Error' });
    default:
      return new EndpointError(status, { detail: detail ?? `Error ${status}` });
  }
}

async function fail(input: Record<string, unknown>, call: EndpointCall): Promise<never> {
  const status = Number(input.status);
  call.log(`Failing with ${status}`, 'ERROR');
  throw falError(status, typeof input.detail === 'string' ? input.detail : undefined);
}

export const errorEndpoint: SandboxEndpoint = {
  id: 'sandbox/error',
  metadata: {
    display_name: 'Sandbox Error',
    category: 'utility',
    description: 'Fails with the status asked for, with the body and headers fal sends for it.',
    status: 'active',
    tags: ['sandbox', 'error', 'testing'],
  },
  input: {
    title: 'ErrorInput',
    type: 'object',
    properties: {
      status: {
        title: 'Status',
        type: 'integer',
        description: 'The HTTP status to answer with.',
        default: 500,
        minimum: 400,
        maximum: 599,
        examples: [422, 500, 503, 504],
      },
      detail: { title: 'Detail', type: 'string', description: 'The error message.' },
    },
    'x-fal-order-properties': ['status', 'detail'],
    required: ['status'],
  },
  output: { title: 'ErrorOutput', type: 'object', properties: {} },
  run: fail,
  async *stream(input, call) {
    yield* [];
    await fail(input, call);
  },
};
