// Prices of fal's platform API (`{api}/models/pricing`): the unit price of given endpoint ids, and
// a cost estimate (`{api}/models/pricing/estimate`) from historical call counts or unit counts.
import type { ClientConfig } from './config';
import { isRecord, ProtocolError } from './errors';
import { request } from './http';
import { DEFAULT_RETRY } from './retry';

/** The most endpoint ids one pricing call takes. */
export const MAX_PRICING_IDS = 50;

/** Units fal bills by (others may appear, so any string is accepted). */
export type PriceUnit =
  | 'image'
  | 'megapixel'
  | 'second'
  | 'video_second'
  | '1000 characters'
  | 'minute'
  | 'request'
  | (string & {});

export interface EndpointPrice {
  endpoint_id: string;
  unit_price: number;
  unit: PriceUnit;
  currency: string;
}

export type CostEstimateRequest =
  | {
      /** From the endpoint's historical price per call: `call_quantity` calls each. */
      estimate_type: 'historical_api_price';
      endpoints: Record<string, { call_quantity: number }>;
    }
  | {
      /** From the unit price: `unit_quantity` billing units each. */
      estimate_type: 'unit_price';
      endpoints: Record<string, { unit_quantity: number }>;
    };

export interface CostEstimate {
  estimate_type: CostEstimateRequest['estimate_type'];
  total_cost: number;
  currency: string;
}

export interface PricingClient {
  /** The unit prices of these endpoint ids (1 to 50); unknown ids are left out. */
  pricing(ids: string | string[], options?: { abortSignal?: AbortSignal }): Promise<EndpointPrice[]>;
  /** The estimated total cost of the given calls or units. */
  estimateCost(estimate: CostEstimateRequest, options?: { abortSignal?: AbortSignal }): Promise<CostEstimate>;
}

export function createPricingClient(config: ClientConfig): PricingClient {
  const base = () => `${config.hosts.api.replace(/\/+$/, '')}/models/pricing`;
  return {
    async pricing(ids, options = {}) {
      const list = Array.isArray(ids) ? ids : [ids];
      if (list.length === 0 || list.length > MAX_PRICING_IDS) {
        throw new RangeError(`pricing takes 1 to ${MAX_PRICING_IDS} endpoint ids, not ${list.length}`);
      }
      const empty = list.findIndex((id) => typeof id !== 'string' || id.trim() === '');
      if (empty >= 0) throw new TypeError(`pricing: endpoint id ${empty + 1} is empty`);
      const params = new URLSearchParams();
      for (const id of list) params.append('endpoint_id', id.trim());
      const url = `${base()}?${params.toString()}`;
      const res = await request<unknown>(config, { url, signal: options.abortSignal, retry: DEFAULT_RETRY });
      const prices = isRecord(res.data) && Array.isArray(res.data.prices) ? res.data.prices : undefined;
      if (!prices) throw malformed('pricing', 'has no "prices" list', res);
      return prices.filter(isEndpointPrice);
    },
    async estimateCost(estimate, options = {}) {
      const url = `${base()}/estimate`;
      const res = await request<unknown>(config, {
        method: 'POST',
        url,
        body: estimate,
        signal: options.abortSignal,
        retry: DEFAULT_RETRY,
      });
      const data = res.data;
      if (!isRecord(data) || typeof data.total_cost !== 'number') {
        throw malformed('estimateCost', 'has no numeric "total_cost"', res);
      }
      return {
        estimate_type: data.estimate_type as CostEstimate['estimate_type'],
        total_cost: data.total_cost,
        currency: typeof data.currency === 'string' ? data.currency : 'USD',
      };
    },
  };
}

function malformed(
  call: string,
  what: string,
  res: { status: number; requestId: string; url: string },
): ProtocolError {
  return new ProtocolError(`${call}: the reply from ${res.url} ${what}`, res);
}

function isEndpointPrice(value: unknown): value is EndpointPrice {
  return (
    isRecord(value) &&
    typeof value.endpoint_id === 'string' &&
    typeof value.unit_price === 'number' &&
    typeof value.unit === 'string'
  );
}
