// Realtime frames made readable, for the session (host) and its frame inspector (page): msgpack
// bytes decoded to a value, binary values in it shown as "<N bytes>", fal's text control frames
// (`x-fal-message`, `x-fal-error`, `{"status": "error"}`) recognised, and all of it as JSON text.
// No Node, no DOM: base64 is decoded with `atob`, which both have.
import { decode } from '@msgpack/msgpack';
import type { RealtimeFrameView } from './playgroundProtocol';

export type FrameControl = 'x-fal-message' | 'x-fal-error' | 'error';

/** Which of fal's control messages a decoded frame is, if any. */
export function frameControl(value: unknown): FrameControl | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (record.type === 'x-fal-message') return 'x-fal-message';
  if (record.type === 'x-fal-error') return 'x-fal-error';
  if (record.status === 'error') return 'error';
  return undefined;
}

/** The value with binary parts as "<N bytes>" (and what JSON cannot hold as text), for showing as JSON. */
export function inspectable(value: unknown, depth = 0): unknown {
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined) return null;
  if (depth > 64) return '<nested too deep>';
  if (Array.isArray(value)) return value.map((v) => inspectable(v, depth + 1));
  if (value instanceof Map) {
    return Object.fromEntries([...value].map(([k, v]) => [String(k), inspectable(v, depth + 1)]));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inspectable(v, depth + 1)]));
  }
  return value;
}

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export interface DecodedFrame {
  /** The frame as indented JSON text (or the raw text of a text frame that is not JSON). */
  readonly json: string;
  readonly encoding: 'msgpack' | 'text';
  readonly control?: FrameControl;
  /** Why it could not be decoded (then `json` is empty). */
  readonly error?: string;
}

/** Decodes a frame for the inspector: msgpack bytes or JSON text, binary values as "<N bytes>". */
export function decodeFrameView(frame: RealtimeFrameView): DecodedFrame {
  if (frame.text !== undefined) {
    let value: unknown;
    try {
      value = JSON.parse(frame.text);
    } catch {
      return { json: frame.text, encoding: 'text' };
    }
    return { json: JSON.stringify(value, null, 2), encoding: 'text', control: frameControl(value) };
  }
  if (frame.base64 === undefined) {
    return {
      json: '',
      encoding: 'msgpack',
      error: `${frame.size} bytes: not kept here (too large, or among the session's oldest)`,
    };
  }
  try {
    const value = decode(base64ToBytes(frame.base64));
    return {
      json: JSON.stringify(inspectable(value), null, 2),
      encoding: 'msgpack',
      control: frameControl(value),
    };
  } catch (err) {
    return {
      json: '',
      encoding: 'msgpack',
      error: `Not msgpack: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/** "812 B", "12.3 KB", "1.20 MB". */
export function describeBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(2)} MB`;
}

/** "0.8 ms", "12 ms", "1.24 s". */
export function describeLatency(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A frame's content as kept, in characters (its base64 or its text). */
export function frameContentChars(frame: RealtimeFrameView): number {
  return (frame.base64?.length ?? 0) + (frame.text?.length ?? 0);
}

/**
 * Keeps the frames' payloads (base64 or text) within `maxChars` in all: the oldest frames beyond it keep
 * their direction, time, size and pairing but lose their payload, as a frame too large to show does.
 * Returns the frames, the same objects where nothing changed.
 */
export function capFramePayloads(
  frames: readonly RealtimeFrameView[],
  maxChars: number,
): RealtimeFrameView[] {
  let total = 0;
  let full = false;
  const kept = [...frames];
  for (let i = kept.length - 1; i >= 0; i--) {
    const frame = kept[i];
    const length = frameContentChars(frame);
    if (length === 0) continue;
    if (!full && total + length <= maxChars) total += length;
    else {
      full = true;
      const { base64: _base64, text: _text, ...rest } = frame;
      kept[i] = rest;
    }
  }
  return kept;
}
