// fal's pricing routes of the platform API, with demo prices for the sandbox's endpoints:
// `GET /api/v1/models/pricing?endpoint_id=...` (1 to 50 ids, repeatable or comma-separated; unknown
// ids left out) and `POST /api/v1/models/pricing/estimate` (historical price per call, or unit price
// times units). Key required, as at fal.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from './context';
import { findEndpoint } from './endpoints';
import type { EndpointPricing, SandboxEndpoint } from './endpoints/types';
import { BodyTooLargeError, readJsonBody, requireKey, sendDetail, sendJson } from './http';
import type { FieldError } from './validate';

const MAX_IDS = 50;
const CURRENCY = 'USD';
/** The price of an endpoint that names none: per request. */
const DEFAULT_PRICE: EndpointPricing = { unit: 'request', unit_price: 0.001 };
/** Units one call uses on average, for `historical_api_price` (1 image, 1 s of audio, a 2 s clip). */
const UNITS_PER_CALL: Record<EndpointPricing['unit'], number> = {
  image: 1,
  second: 1,
  video_second: 2,
  request: 1,
};

export const PRICING_PATH = '/api/v1/models/pricing';
export const ESTIMATE_PATH = '/api/v1/models/pricing/estimate';

const priceOf = (endpoint: SandboxEndpoint): EndpointPricing => endpoint.price ?? DEFAULT_PRICE;

/** Rounds away floating-point noise (0.025 * 3 is not 0.075 in binary). */
const money = (amount: number) => Math.round(amount * 1e9) / 1e9;

const queryError = (msg: string): FieldError[] => [
  { loc: ['query', 'endpoint_id'], msg, type: 'value_error' },
];

/** `GET /api/v1/models/pricing`. */
export function handlePricing(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendDetail(res, 405, 'Method Not Allowed');
  if (!requireKey(ctx, req, res)) return;
  const ids = url.searchParams
    .getAll('endpoint_id')
    .flatMap((v) => v.split(','))
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length === 0) return sendDetail(res, 422, queryError('at least one endpoint_id is required'));
  if (ids.length > MAX_IDS) {
    return sendDetail(res, 422, queryError(`at most ${MAX_IDS} endpoint ids, got ${ids.length}`));
  }
  const prices = ids.flatMap((id) => {
    const endpoint = findEndpoint(id);
    if (!endpoint) return [];
    const { unit, unit_price } = priceOf(endpoint);
    return [{ endpoint_id: id, unit_price, unit, currency: CURRENCY }];
  });
  sendJson(res, 200, { prices });
}

/** `POST /api/v1/models/pricing/estimate`. */
export async function handleEstimate(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'POST') return sendDetail(res, 405, 'Use POST for an estimate.', { allow: 'POST' });
  if (!requireKey(ctx, req, res)) return;
  let body: unknown;
  try {
    body = await readJsonBody(req, 256 * 1024);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return sendDetail(res, 413, err.message);
    return sendDetail(res, 422, [
      {
        loc: ['body'],
        msg: `the body is not valid JSON: ${(err as Error).message}`,
        type: 'value_error.jsondecode',
      },
    ]);
  }
  const result = estimate(body);
  if ('errors' in result) return sendDetail(res, 422, result.errors);
  sendJson(res, 200, result);
}

type Estimate = { estimate_type: string; total_cost: number; currency: string };

function estimate(body: unknown): Estimate | { errors: FieldError[] } {
  const fail = (loc: (string | number)[], msg: string) => ({
    errors: [{ loc: ['body', ...loc], msg, type: 'value_error' }],
  });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail([], 'the body must be an object: {"estimate_type": ..., "endpoints": {...}}');
  }
  const { estimate_type: type, endpoints } = body as Record<string, unknown>;
  if (type !== 'historical_api_price' && type !== 'unit_price') {
    return fail(['estimate_type'], "estimate_type must be 'historical_api_price' or 'unit_price'");
  }
  if (typeof endpoints !== 'object' || endpoints === null || Array.isArray(endpoints)) {
    return fail(['endpoints'], 'endpoints must be an object of endpoint id to quantity');
  }
  const entries = Object.entries(endpoints as Record<string, unknown>);
  if (entries.length === 0) return fail(['endpoints'], 'endpoints must name at least one endpoint');
  if (entries.length > MAX_IDS)
    return fail(['endpoints'], `at most ${MAX_IDS} endpoints, got ${entries.length}`);
  const field = type === 'historical_api_price' ? 'call_quantity' : 'unit_quantity';
  let total = 0;
  for (const [id, spec] of entries) {
    const endpoint = findEndpoint(id);
    if (!endpoint) return fail(['endpoints', id], `unknown endpoint ${id}`);
    const quantity =
      typeof spec === 'object' && spec !== null ? (spec as Record<string, unknown>)[field] : undefined;
    if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity < 0) {
      return fail(['endpoints', id, field], `${field} must be a number of 0 or more`);
    }
    const price = priceOf(endpoint);
    const units = type === 'unit_price' ? quantity : quantity * UNITS_PER_CALL[price.unit];
    total += units * price.unit_price;
  }
  return { estimate_type: type, total_cost: money(total), currency: CURRENCY };
}
