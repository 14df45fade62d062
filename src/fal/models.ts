// The model catalogue of fal's platform API (`{api}/models`): text search with category and
// cursor, and lookup of given endpoint ids, as typed pages.
import type { ClientConfig } from './config';
import { isRecord } from './errors';
import { request } from './http';
import { DEFAULT_RETRY } from './retry';

export interface ModelMetadata {
  display_name?: string;
  category?: string;
  description?: string;
  status?: 'active' | 'deprecated' | string;
  tags?: string[];
  thumbnail_url?: string;
  model_url?: string;
  [key: string]: unknown;
}

export interface CatalogueModel {
  endpoint_id: string;
  metadata: ModelMetadata;
  /** The endpoint's OpenAPI document, with `expand: true`. */
  openapi?: Record<string, unknown>;
}

export interface ModelsPage {
  models: CatalogueModel[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
  hasMore: boolean;
}

export interface SearchOptions {
  category?: string;
  cursor?: string;
  limit?: number;
  status?: string;
  /** Include each model's OpenAPI document (`expand=openapi-3.0`). */
  expand?: boolean;
  abortSignal?: AbortSignal;
}

export interface ModelsClient {
  /** Models matching `text` (all of them when empty), a page at a time. */
  search(text?: string, options?: SearchOptions): Promise<ModelsPage>;
  /** The models with these endpoint ids (unknown ids are left out). */
  find(
    ids: string | string[],
    options?: { expand?: boolean; abortSignal?: AbortSignal },
  ): Promise<CatalogueModel[]>;
}

export function createModelsClient(config: ClientConfig): ModelsClient {
  const get = async (params: URLSearchParams, signal: AbortSignal | undefined): Promise<ModelsPage> => {
    const query = params.toString();
    const url = `${config.hosts.api.replace(/\/+$/, '')}/models${query ? `?${query}` : ''}`;
    const { data } = await request<unknown>(config, { url, signal, retry: DEFAULT_RETRY });
    const body = isRecord(data) ? data : {};
    return {
      models: Array.isArray(body.models) ? (body.models as CatalogueModel[]) : [],
      nextCursor: typeof body.next_cursor === 'string' && body.next_cursor ? body.next_cursor : null,
      hasMore: body.has_more === true,
    };
  };
  return {
    search(text = '', options = {}) {
      const params = new URLSearchParams();
      if (text.trim()) params.set('q', text.trim());
      if (options.category) params.set('category', options.category);
      if (options.status) params.set('status', options.status);
      if (options.cursor) params.set('cursor', options.cursor);
      if (options.limit !== undefined) params.set('limit', String(options.limit));
      if (options.expand) params.set('expand', 'openapi-3.0');
      return get(params, options.abortSignal);
    },
    async find(ids, options = {}) {
      const list = Array.isArray(ids) ? ids : [ids];
      if (list.length === 0) return [];
      const params = new URLSearchParams();
      for (const id of list) params.append('endpoint_id', id);
      if (options.expand) params.set('expand', 'openapi-3.0');
      return (await get(params, options.abortSignal)).models;
    },
  };
}
