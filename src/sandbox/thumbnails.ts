// The catalogue's thumbnails: a small PNG per demo endpoint (pngjs), drawn from the endpoint's id so
// each has its own stable colours, at a stable path (`/_sandbox/thumbnails/{owner}/{alias}.png`),
// public as fal's are. The catalogue and the OpenAPI metadata link to them.
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PNG } from 'pngjs';
import { FAL_HEADERS } from '../common/falHeaders';
import type { SandboxContext } from './context';
import { findEndpoint } from './endpoints';
import { decodePath, sendDetail } from './http';

export const THUMBNAIL_PREFIX = '/_sandbox/thumbnails/';
const SIZE = 64;

/** The thumbnail's public URL for an endpoint id (`sandbox/echo`). */
export function thumbnailUrl(ctx: SandboxContext, endpointId: string): string {
  return `${ctx.baseUrl}${THUMBNAIL_PREFIX}${endpointId}.png`;
}

const drawn = new Map<string, Buffer>();

/** A diagonal gradient between two colours taken from the id's hash, with a lighter disc in the middle. */
function draw(endpointId: string): Buffer {
  const cached = drawn.get(endpointId);
  if (cached) return cached;
  const h = createHash('sha256').update(endpointId).digest();
  const png = new PNG({ width: SIZE, height: SIZE });
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const t = (x + y) / (2 * (SIZE - 1));
      const inDisc = (x - SIZE / 2) ** 2 + (y - SIZE / 2) ** 2 < (SIZE / 4) ** 2;
      const i = (y * SIZE + x) * 4;
      for (let c = 0; c < 3; c++) {
        const value = h[c] * (1 - t) + h[c + 3] * t;
        png.data[i + c] = inDisc ? Math.round(value + (255 - value) * 0.6) : Math.round(value);
      }
      png.data[i + 3] = 255;
    }
  }
  const bytes = PNG.sync.write(png);
  drawn.set(endpointId, bytes);
  return bytes;
}

/** `GET /_sandbox/thumbnails/{owner}/{alias}.png`. */
export function serveThumbnail(req: IncomingMessage, res: ServerResponse, path: string): void {
  const name = decodePath(path.slice(THUMBNAIL_PREFIX.length));
  const endpoint = name?.endsWith('.png') ? findEndpoint(name.slice(0, -'.png'.length)) : undefined;
  if (!endpoint) return sendDetail(res, 404, 'No thumbnail here: see /api/v1/models for the endpoints.');
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendDetail(res, 405, 'Method Not Allowed');
  const bytes = draw(endpoint.id);
  res.writeHead(200, {
    'content-type': 'image/png',
    'content-length': bytes.length,
    'cache-control': 'public, max-age=86400',
    'x-content-type-options': 'nosniff',
    [FAL_HEADERS.requestId]: randomUUID(),
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
