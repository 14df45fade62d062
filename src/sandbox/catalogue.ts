// The model catalogue at `/api/v1/models`, shaped like fal's platform API: a cursor-paginated list,
// find by `endpoint_id` (repeatable), text search `q`, `category`, and `expand=openapi-3.0`; each
// model's metadata links its thumbnail (thumbnails.ts) and says whether it is highlighted.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from './context';
import { ENDPOINTS, findEndpoint } from './endpoints';
import type { SandboxEndpoint } from './endpoints/types';
import { sendDetail, sendJson } from './http';
import { openApiDocument } from './openapi';
import { thumbnailUrl } from './thumbnails';

/** The demo endpoints the catalogue marks `highlighted`, as fal marks its featured models. */
const HIGHLIGHTED = new Set(['sandbox/image', 'sandbox/text']);

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 100;

function modelOf(ctx: SandboxContext, endpoint: SandboxEndpoint, expand: boolean): Record<string, unknown> {
  return {
    endpoint_id: endpoint.id,
    metadata: {
      ...endpoint.metadata,
      thumbnail_url: thumbnailUrl(ctx, endpoint.id),
      highlighted: HIGHLIGHTED.has(endpoint.id),
      model_url: `${ctx.baseUrl}/run/${endpoint.id}`,
      license_type: 'commercial',
      date: '2026-01-01T00:00:00Z',
      kind: 'inference',
    },
    ...(expand ? { openapi: openApiDocument(ctx, endpoint) } : {}),
  };
}

const encodeCursor = (offset: number) => Buffer.from(JSON.stringify({ offset })).toString('base64url');

function decodeCursor(cursor: string): number | undefined {
  try {
    const { offset } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset: unknown };
    return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}

/** `GET /api/v1/models` (public). */
export function handleCatalogue(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendDetail(res, 405, 'Method Not Allowed');
  const params = url.searchParams;
  const expand = params.getAll('expand').some((e) => e.split(',').includes('openapi-3.0'));
  const ids = params.getAll('endpoint_id');
  if (ids.length > 0) {
    const found = ids.map((id) => findEndpoint(id)).filter((e): e is SandboxEndpoint => e !== undefined);
    const models = found.map((e) => modelOf(ctx, e, expand));
    return sendJson(res, 200, { models, next_cursor: null, has_more: false });
  }
  const limitParam = params.get('limit');
  const limit = limitParam === null ? DEFAULT_LIMIT : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    return sendDetail(res, 422, [
      {
        loc: ['query', 'limit'],
        msg: `limit must be an integer from 1 to ${MAX_LIMIT}`,
        type: 'value_error',
      },
    ]);
  }
  const cursor = params.get('cursor');
  const offset = cursor ? decodeCursor(cursor) : 0;
  if (offset === undefined) {
    return sendDetail(res, 422, [{ loc: ['query', 'cursor'], msg: 'invalid cursor', type: 'value_error' }]);
  }
  const q = (params.get('q') ?? '').trim().toLowerCase();
  const category = params.get('category');
  const status = params.get('status');
  const matches = ENDPOINTS.filter((e) => {
    if (category && e.metadata.category !== category) return false;
    if (status && e.metadata.status !== status) return false;
    if (!q) return true;
    const text = [
      e.id,
      e.metadata.display_name,
      e.metadata.description,
      e.metadata.category,
      ...e.metadata.tags,
    ]
      .join(' ')
      .toLowerCase();
    return q.split(/\s+/).every((word) => text.includes(word));
  });
  const page = matches.slice(offset, offset + limit);
  const hasMore = offset + limit < matches.length;
  sendJson(res, 200, {
    models: page.map((e) => modelOf(ctx, e, expand)),
    next_cursor: hasMore ? encodeCursor(offset + limit) : null,
    has_more: hasMore,
  });
}
