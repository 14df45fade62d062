// Uploads to fal storage as the official JS client does them: `POST {rest}/storage/upload/initiate?
// storage_type=fal-cdn-v3` (with the key) answers `{upload_url, file_url}`, then the bytes are PUT to
// `upload_url` (without the key: the URL carries its own grant). Above a threshold (90 MB, as fal-js)
// the multipart flow is used: `initiate-multipart`, 10 MB parts PUT to `{upload_url path}/{n}{search}`,
// then `POST {upload_url path}/complete{search}` with `{parts}`. `transformInput` uploads every Buffer,
// Uint8Array, ArrayBuffer and Blob found in an input (objects and arrays) and puts its URL in its place;
// an input without any (a synchronous scan tells) is returned as it is, not copied.
// Strings are never touched: not read as file paths, data URIs and URLs are sent as they are.
import type { ClientConfig } from './config';
import { headerValue, request } from './http';

export interface StorageClientOptions {
  /** Files larger than this many bytes go multipart (default 90 MB, as fal-js). */
  multipartThresholdBytes?: number;
  /** Size of each multipart part in bytes (default 10 MB, as fal-js). */
  partSizeBytes?: number;
}

export interface UploadOptions {
  /** Defaults to the Blob's type, else a type sniffed from the bytes, else application/octet-stream. */
  contentType?: string;
  /** Defaults to the File's name, else `<Date.now()>.<extension of the content type>`. */
  fileName?: string;
  signal?: AbortSignal;
  /** Told the bytes sent so far after each part (multipart) and once the upload is done. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
}

export type UploadData = Buffer | Uint8Array | ArrayBuffer | Blob;

export interface StorageClient {
  /** Uploads `data` and resolves with its public `file_url`. */
  upload(data: UploadData, options?: UploadOptions): Promise<string>;
  /**
   * A copy of `input` with every binary value (Buffer, Uint8Array, ArrayBuffer, Blob) in its arrays
   * and plain objects uploaded and replaced by its URL; `input` itself when it holds none.
   */
  transformInput<T>(input: T): Promise<T>;
}

export const DEFAULT_MULTIPART_THRESHOLD_BYTES = 90 * 1024 * 1024;
export const DEFAULT_PART_SIZE_BYTES = 10 * 1024 * 1024;

interface InitiateReply {
  upload_url: string;
  file_url: string;
}

/** A uniform view over the accepted data types, read part by part without copying all of a Blob. */
interface Source {
  size: number;
  type: string;
  name: string | undefined;
  read(start: number, end: number): Promise<Buffer>;
}

function toSource(data: UploadData): Source {
  if (data instanceof Blob) {
    const name = (data as Blob & { name?: unknown }).name;
    return {
      size: data.size,
      type: data.type,
      name: typeof name === 'string' && name ? name : undefined,
      read: async (start, end) => Buffer.from(await data.slice(start, end).arrayBuffer()),
    };
  }
  const bytes = Buffer.isBuffer(data)
    ? data
    : data instanceof ArrayBuffer
      ? Buffer.from(data)
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { size: bytes.length, type: '', name: undefined, read: async (s, e) => bytes.subarray(s, e) };
}

/** Content type from the first bytes, for the formats endpoints most often take. */
export function sniffContentType(head: Buffer): string | undefined {
  const ascii = (start: number, end: number) => head.subarray(start, end).toString('latin1');
  if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (ascii(0, 4) === 'GIF8') return 'image/gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'audio/wav';
  if (ascii(0, 5) === '%PDF-') return 'application/pdf';
  if (ascii(4, 8) === 'ftyp') return 'video/mp4';
  if (ascii(0, 3) === 'ID3') return 'audio/mpeg';
  return undefined;
}

function extensionOf(contentType: string): string {
  const subtype = contentType.split('/')[1] ?? '';
  return subtype.split(/[-;+]/)[0]?.trim() || 'bin';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function isBinary(value: unknown): value is UploadData {
  return (
    value instanceof Uint8Array || // Buffer included
    value instanceof ArrayBuffer ||
    value instanceof Blob
  );
}

/** Whether `value` is, or holds in its arrays and plain objects, a value `transformInput` uploads. */
function containsBinary(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (isBinary(value)) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (containsBinary(value[i])) return true;
    return false;
  }
  if (isPlainObject(value)) {
    for (const key of Object.keys(value)) if (containsBinary(value[key])) return true;
  }
  return false;
}

/** `target[key] = value` as an own data property, even for a key named "__proto__" (as fromEntries). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function isInitiateReply(value: unknown): value is InitiateReply {
  return isPlainObject(value) && typeof value.upload_url === 'string' && typeof value.file_url === 'string';
}

export function createStorageClient(config: ClientConfig, options: StorageClientOptions = {}): StorageClient {
  const threshold = options.multipartThresholdBytes ?? DEFAULT_MULTIPART_THRESHOLD_BYTES;
  const partSize = Math.max(1, options.partSizeBytes ?? DEFAULT_PART_SIZE_BYTES);

  async function initiate(
    kind: 'initiate' | 'initiate-multipart',
    contentType: string,
    fileName: string,
    signal: AbortSignal | undefined,
  ): Promise<InitiateReply> {
    const url = `${config.hosts.rest}/storage/upload/${kind}?storage_type=fal-cdn-v3`;
    const { data } = await request<unknown>(config, {
      method: 'POST',
      url,
      body: { content_type: contentType, file_name: fileName },
      signal,
    });
    if (!isInitiateReply(data)) {
      throw new Error(`Unexpected reply to POST ${url}: expected {upload_url, file_url}.`);
    }
    return data;
  }

  async function uploadParts(
    source: Source,
    uploadUrl: string,
    signal: AbortSignal | undefined,
    onProgress: UploadOptions['onProgress'],
  ) {
    const parsed = new URL(uploadUrl);
    const base = `${parsed.origin}${parsed.pathname}`;
    const parts: Array<{ partNumber: number; etag: string }> = [];
    const count = Math.ceil(source.size / partSize);
    for (let i = 0; i < count; i++) {
      const partNumber = i + 1;
      const chunk = await source.read(i * partSize, Math.min(source.size, (i + 1) * partSize));
      const reply = await request<unknown>(config, {
        method: 'PUT',
        url: `${base}/${partNumber}${parsed.search}`,
        body: chunk,
        headers: { 'content-type': 'application/octet-stream' },
        auth: false,
        signal,
      });
      const fromBody = isPlainObject(reply.data) ? reply.data.etag : undefined;
      const etag = typeof fromBody === 'string' ? fromBody : headerValue(reply.headers.etag);
      if (!etag) throw new Error(`Part ${partNumber} of ${uploadUrl} was stored without an etag.`);
      parts.push({ partNumber, etag });
      onProgress?.(Math.min(source.size, (i + 1) * partSize), source.size);
    }
    await request<unknown>(config, {
      method: 'POST',
      url: `${base}/complete${parsed.search}`,
      body: { parts },
      auth: false,
      signal,
    });
  }

  const client: StorageClient = {
    async upload(data, uploadOptions = {}) {
      const source = toSource(data);
      const { signal } = uploadOptions;
      const contentType =
        uploadOptions.contentType ||
        source.type ||
        sniffContentType(await source.read(0, Math.min(source.size, 16))) ||
        'application/octet-stream';
      const fileName = uploadOptions.fileName || source.name || `${Date.now()}.${extensionOf(contentType)}`;

      if (source.size > threshold) {
        const { upload_url, file_url } = await initiate('initiate-multipart', contentType, fileName, signal);
        await uploadParts(source, upload_url, signal, uploadOptions.onProgress);
        return file_url;
      }
      const { upload_url, file_url } = await initiate('initiate', contentType, fileName, signal);
      await request<unknown>(config, {
        method: 'PUT',
        url: upload_url,
        body: await source.read(0, source.size),
        headers: { 'content-type': contentType },
        auth: false,
        signal,
      });
      uploadOptions.onProgress?.(source.size, source.size);
      return file_url;
    },

    async transformInput<T>(input: T): Promise<T> {
      // Most inputs hold no binary value: one synchronous scan, and the input itself is sent.
      if (!containsBinary(input)) return input;
      if (isBinary(input)) return (await client.upload(input)) as T;
      // A copy of every array and plain object, built in one synchronous pass that starts each
      // upload where it meets the value (document order, all at once, as the recursive walk of
      // Promises did); each URL is put in its slot when it arrives.
      const uploads: Array<Promise<void>> = [];
      const slot = (value: unknown, fill: (url: string) => void): unknown => {
        if (isBinary(value)) {
          uploads.push(client.upload(value).then(fill));
          return undefined;
        }
        return copy(value);
      };
      const copy = (value: unknown): unknown => {
        if (Array.isArray(value)) {
          const out = new Array<unknown>(value.length);
          // By index, so holes become undefined, as the Promise.all over the items made them.
          for (let i = 0; i < value.length; i++) {
            out[i] = slot(value[i], (url) => (out[i] = url));
          }
          return out;
        }
        if (isPlainObject(value)) {
          const out: Record<string, unknown> = {};
          for (const [key, item] of Object.entries(value)) {
            setOwn(
              out,
              key,
              slot(item, (url) => setOwn(out, key, url)),
            );
          }
          return out;
        }
        return value;
      };
      const result = copy(input);
      await Promise.all(uploads);
      return result as T;
    },
  };
  return client;
}
