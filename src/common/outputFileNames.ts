// The names saved outputs get: the endpoint id with `/` turned into `-`, the request id and the
// item's number, with the extension of the file's name or type, e.g.
// `sandbox-image-<request id>-1.png`. Pure, so the names are unit-tested and equal everywhere.
import { extensionOf, extensionOfContentType } from './contentTypes';
import type { OutputMedia } from './outputMedia';

/** Characters a saved file's name keeps; any other becomes `_` (no separators, no control characters). */
const UNSAFE = /[^A-Za-z0-9._-]+/g;

/** The extension a media item's file gets: its name's, else its type's, else "bin". */
export function outputExtension(media: Pick<OutputMedia, 'name' | 'contentType'>): string {
  return extensionOf(media.name) ?? (media.contentType && extensionOfContentType(media.contentType)) ?? 'bin';
}

/**
 * The file name of the `index`-th (from 1) media item of a call to `endpointId` whose request id is
 * `requestId`, e.g. `outputFileName('sandbox/image', 'abc', 1, {name: 'x.png'})` → `sandbox-image-abc-1.png`.
 */
export function outputFileName(
  endpointId: string,
  requestId: string,
  index: number,
  media: Pick<OutputMedia, 'name' | 'contentType'>,
): string {
  const stem = `${endpointId.replace(/\//g, '-')}-${requestId}-${index}`.replace(UNSAFE, '_');
  const extension = outputExtension(media).replace(UNSAFE, '_');
  return `${stem.replace(/^[.-]+/, '')}.${extension}`;
}
