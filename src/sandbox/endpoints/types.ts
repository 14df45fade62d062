// What a demo endpoint is to the sandbox: an id, catalogue metadata, its Input/Output schemas (the
// source of its OpenAPI document and of input validation) and a handler that runs with an abort
// signal and a log function, optionally with a `/stream` variant. Plus small helpers they share
// (the waits also serve realtime sessions and webhook retries).
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { SandboxContext } from '../context';

/** A JSON Schema fragment as fal's OpenAPI documents write them. */
export type JsonSchema = Record<string, unknown>;

export type LogLevel = 'STDERR' | 'STDOUT' | 'ERROR' | 'INFO' | 'WARN' | 'DEBUG';

export interface LogLine {
  message: string;
  level: LogLevel;
  source: 'USER';
  timestamp: string;
}

export interface EndpointMetadata {
  display_name: string;
  category: string;
  description: string;
  status: 'active' | 'deprecated';
  tags: string[];
}

/** What a handler gets besides its input. */
export interface EndpointCall {
  readonly ctx: SandboxContext;
  /** Aborted on cancel, client disconnect (direct runs) or sandbox shutdown. */
  readonly signal: AbortSignal;
  /** The sub-path after `owner/alias`, without leading slash ('' when none). */
  readonly subPath: string;
  log(message: string, level?: LogLevel): void;
}

/** A demo price, as `/api/v1/models/pricing` reports it (in USD). */
export interface EndpointPricing {
  readonly unit: 'image' | 'second' | 'video_second' | 'request';
  readonly unit_price: number;
}

export interface SandboxEndpoint {
  /** `owner/alias`, e.g. `sandbox/echo`. */
  readonly id: string;
  readonly metadata: EndpointMetadata;
  /** Its demo price; absent: billed per request at the sandbox's default (see ../pricing.ts). */
  readonly price?: EndpointPricing;
  /** Input schema (an object schema with `x-fal-order-properties`). */
  readonly input: JsonSchema;
  /** Output schema. */
  readonly output: JsonSchema;
  /** Further component schemas the two reference (`#/components/schemas/Name`). */
  readonly components?: Record<string, JsonSchema>;
  /** Whether inputs are checked against `input` before the handler runs (default true). */
  readonly validate?: boolean;
  run(input: Record<string, unknown>, call: EndpointCall): Promise<unknown>;
  /**
   * Events of `/stream`; the last one is the final output. Absent: no `/stream` path. A plain
   * (synchronous) iterable is sent without a turn of the promise machinery per event.
   */
  stream?(input: Record<string, unknown>, call: EndpointCall): AsyncIterable<unknown> | Iterable<unknown>;
}

/**
 * A stream event given as its JSON text: the SSE writer sends the text as is, so an endpoint that can
 * write an event's JSON directly spares building an object per event only to stringify it.
 */
export class JsonEvent {
  constructor(readonly json: string) {}
}

/** An answer other than 200 from a handler: the status, body and headers fal would send. */
export class EndpointError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body && 'detail' in body ? String(body.detail) : `HTTP ${status}`);
  }
}

/** A 422 with one fal/pydantic-style field error. */
export function fieldError(field: string, msg: string, type = 'value_error'): EndpointError {
  return new EndpointError(422, { detail: [{ loc: ['body', field], msg, type }] });
}

/** Waits `ms`, rejecting with an AbortError when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal });
}

/** Waits `ms`, or less: resolves (never rejects) as soon as `signal` aborts, at once if it already has. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, signal).catch((err: unknown) => {
    if (!signal.aborted) throw err;
  });
}

/** The last event of a stream: what a `run` of an endpoint whose stream ends with its output answers. */
export async function lastEvent(events: AsyncIterable<unknown>): Promise<unknown> {
  let final: unknown;
  for await (const event of events) final = event;
  return final;
}

const STEP_MS = 40;

/** The `num_inference_steps` input of the endpoints that take {@link inferenceSteps}. */
export const STEPS_PROPERTY: JsonSchema = {
  title: 'Num Inference Steps',
  type: 'integer',
  description: `The number of inference steps (about ${STEP_MS} ms each).`,
  default: 4,
  minimum: 1,
  maximum: 50,
};

/** Takes `steps` steps of about 40 ms, logging `Step i/n` and yielding a progress event for each. */
export async function* inferenceSteps(
  steps: number,
  call: EndpointCall,
): AsyncGenerator<{ progress: number; message: string }> {
  for (let step = 1; step <= steps; step++) {
    await sleep(STEP_MS, call.signal);
    call.log(`Step ${step}/${steps}`);
    yield { progress: step / steps, message: `Step ${step}/${steps}` };
  }
}

/** A 32-bit seed from any text. */
export function hashSeed(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32LE(0);
}

/** Deterministic PRNG (mulberry32) yielding floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** fal's `File` output object schema, shared by the media endpoints. */
export const FILE_SCHEMA: JsonSchema = {
  title: 'File',
  type: 'object',
  properties: {
    url: { title: 'Url', type: 'string', description: 'The URL where the file can be downloaded from.' },
    content_type: { title: 'Content Type', type: 'string', description: 'The mime type of the file.' },
    file_name: { title: 'File Name', type: 'string', description: 'The name of the file.' },
    file_size: { title: 'File Size', type: 'integer', description: 'The size of the file in bytes.' },
  },
  'x-fal-order-properties': ['url', 'content_type', 'file_name', 'file_size'],
  required: ['url'],
};

/** fal's `Image` output object schema. */
export const IMAGE_SCHEMA: JsonSchema = {
  title: 'Image',
  type: 'object',
  properties: {
    url: { title: 'Url', type: 'string', description: 'The URL where the image can be downloaded from.' },
    width: { title: 'Width', type: 'integer' },
    height: { title: 'Height', type: 'integer' },
    content_type: { title: 'Content Type', type: 'string', default: 'image/png' },
  },
  'x-fal-order-properties': ['url', 'width', 'height', 'content_type'],
  required: ['url', 'width', 'height'],
  description: 'Represents an image file.',
};

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
