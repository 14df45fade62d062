// Which values of a call's output are media and which are text, and what to call them: fal's File
// objects (`url` with `content_type`, `file_name`, `file_size`, `width`/`height`) wherever they sit,
// bare URL strings whose extension (or data URL type) says image, audio or video, and top-level
// strings that are not URLs. The host reads the media to map a local sandbox's URLs and to save the
// files; the page shows what the host sends. Pure: no `vscode`, no Node, no DOM.
import { contentTypeOfName } from './contentTypes';
import type { FieldPath, MediaKind } from './schemaForm';

/** One media value of an output. */
export interface OutputMedia {
  /** Where it sits in the output: the File object's path, or the string's. */
  readonly path: FieldPath;
  /** The URL as the output gives it (http(s) or a data URL). */
  readonly url: string;
  readonly kind: MediaKind;
  readonly contentType?: string;
  /** `file_name`, else the URL's last path segment, else "output". */
  readonly name: string;
  /** `file_size` in bytes, when the output says. */
  readonly size?: number;
  readonly width?: number;
  readonly height?: number;
}

/** How deep into an output media is looked for, and how many are taken at most. */
export const MAX_MEDIA_DEPTH = 8;
export const MAX_OUTPUT_MEDIA = 100;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const positive = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;

/** "image", "audio" or "video" for those content types, "file" for any other. */
export function mediaKindOf(contentType: string | undefined): MediaKind {
  const top = contentType?.split('/')[0].trim().toLowerCase();
  return top === 'image' || top === 'audio' || top === 'video' ? top : 'file';
}

/**
 * True for URLs a media value may have: http(s), and data URLs that declare an image, audio or video
 * type. Any other scheme (`javascript:`, `file:`, `command:`) and other data URLs (`data:text/html`,
 * which a browser would open as a page) are never media: they stay text in the JSON tree, never a
 * source, a link or a file to save.
 */
export function isMediaUrl(url: string): boolean {
  return /^(https?:\/\/\S+|data:(image|audio|video)\/[^,]*,)/i.test(url);
}

/** The content type a data URL declares ("data:image/png;base64,..." → "image/png"). */
function dataUrlType(url: string): string | undefined {
  return /^data:([^;,]+)[;,]/i.exec(url)?.[1]?.toLowerCase();
}

/** The last segment of a URL's path, decoded ("https://h/files/a%20b.png?x" → "a b.png"). */
export function urlFileName(url: string): string | undefined {
  if (/^data:/i.test(url)) return undefined;
  const path = url.replace(/^[a-z]+:\/\/[^/]*/i, '').replace(/[?#].*$/, '');
  const last = path.split('/').filter(Boolean).pop();
  if (!last) return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** The type a URL alone suggests: a data URL's, or its path's extension's. */
function typeOfUrl(url: string): string | undefined {
  return dataUrlType(url) ?? contentTypeOfName(urlFileName(url) ?? '');
}

/** A fal File object (an object with a media `url`) as media; undefined when it is not one. */
function fileObject(value: Record<string, unknown>, path: FieldPath): OutputMedia | undefined {
  const { url } = value;
  if (typeof url !== 'string' || !isMediaUrl(url)) return undefined;
  const declared =
    typeof value.content_type === 'string' && value.content_type.trim() ? value.content_type : undefined;
  const contentType = declared ?? typeOfUrl(url);
  // An object with a URL but no type of its own and no telling extension is a link, not a file.
  if (!contentType) return undefined;
  const name =
    typeof value.file_name === 'string' && value.file_name.trim() ? value.file_name : urlFileName(url);
  return {
    path,
    url,
    kind: mediaKindOf(contentType),
    contentType,
    name: name ?? 'output',
    size: positive(value.file_size),
    width: positive(value.width),
    height: positive(value.height),
  };
}

/** A bare URL string as media, when its type (extension or data URL) is image, audio or video. */
function urlString(url: string, path: FieldPath): OutputMedia | undefined {
  if (!isMediaUrl(url)) return undefined;
  const contentType = typeOfUrl(url);
  const kind = mediaKindOf(contentType);
  if (kind === 'file') return undefined;
  return { path, url, kind, contentType, name: urlFileName(url) ?? 'output' };
}

/** The media of an output, in document order (at most MAX_OUTPUT_MEDIA, MAX_MEDIA_DEPTH deep). */
export function findOutputMedia(output: unknown): OutputMedia[] {
  const found: OutputMedia[] = [];
  const visit = (value: unknown, path: FieldPath) => {
    if (found.length >= MAX_OUTPUT_MEDIA || path.length > MAX_MEDIA_DEPTH) return;
    if (typeof value === 'string') {
      const media = urlString(value, path);
      if (media) found.push(media);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, i]));
    } else if (isRecord(value)) {
      const file = fileObject(value, path);
      if (file) return void found.push(file);
      for (const [key, v] of Object.entries(value)) visit(v, [...path, key]);
    }
  };
  visit(output, []);
  return found;
}

/** A text value at the top of an output (an LLM's `output`, a caption), shown as text. */
export interface OutputText {
  /** Its key in the output; '' when the whole output is a string. */
  readonly key: string;
  readonly text: string;
}

/** The most text blocks shown of one output (an output of thousands of strings is read in its JSON). */
export const MAX_OUTPUT_TEXTS = 20;

/**
 * The output's text: the output itself when a string, else its first MAX_OUTPUT_TEXTS top-level
 * strings that are not URLs (read key by key: an output of 10,000 keys allocates no list of them).
 */
export function findOutputText(output: unknown): OutputText[] {
  if (typeof output === 'string') return output ? [{ key: '', text: output }] : [];
  if (!isRecord(output)) return [];
  const found: OutputText[] = [];
  for (const key in output) {
    const text = output[key];
    if (typeof text !== 'string' || !Object.hasOwn(output, key)) continue;
    const trimmed = text.trim();
    if (trimmed === '' || /^[a-z][a-z0-9+.-]*:\S*$/i.test(trimmed)) continue;
    found.push({ key, text });
    if (found.length === MAX_OUTPUT_TEXTS) break;
  }
  return found;
}

/** "2.4 MB", "512 bytes": a file size as people read it. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
