// The one message protocol between the playground webview (src/webview/playground.ts) and its host
// (src/playground/playgroundPanel.ts): every message either side posts is one of these types, so a
// change on one side that the other does not follow fails the type check. No `vscode` import here:
// the browser bundle includes this file too.

import type { CallMethod } from '../requests/requestRecord';

export type PlaygroundMethod = CallMethod;
export const PLAYGROUND_METHODS: readonly PlaygroundMethod[] = [
  'run',
  'subscribe',
  'submit',
  'stream',
  'realtime',
];

/** The platform headers a call can set, as the form holds them. */
export interface PlatformOptions {
  /** `x-fal-no-retry: 1`. */
  readonly noRetry?: boolean;
  /** `x-fal-request-timeout` (seconds to start, > 1). */
  readonly startTimeout?: number;
  /** `x-fal-queue-priority` (queue methods). */
  readonly priority?: 'normal' | 'low';
  /** `x-fal-runner-hint`. */
  readonly hint?: string;
  /** false sends `X-Fal-Store-IO: 0` (do not keep the request and response payloads). */
  readonly storeIo?: boolean;
}

/** Everything the form holds; saved by the webview so a reload or a restart loses nothing typed. */
export interface PlaygroundForm {
  readonly endpointId: string;
  readonly method: PlaygroundMethod;
  /** The JSON input as typed, valid or not. */
  readonly inputText: string;
  readonly platform: PlatformOptions;
  /** Custom headers as typed, one `Name: value` per line. */
  readonly headersText: string;
  /** Submit only: where fal POSTs the result when the request ends. */
  readonly webhookUrl?: string;
}

export const EMPTY_FORM: PlaygroundForm = {
  endpointId: 'sandbox/image',
  method: 'subscribe',
  inputText: '{\n  "prompt": "a red fox in the snow"\n}\n',
  platform: {},
  headersText: '',
};

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly timestamp?: string;
}

/** What the webview shows of the call in flight or the last one. */
export interface CallView {
  readonly recordId?: string;
  readonly method: PlaygroundMethod;
  readonly endpointId: string;
  /** "queued · position 2", "in progress", "completed · 1.23 s", "failed · 422"... */
  readonly status: string;
  readonly running: boolean;
  readonly requestId?: string;
  readonly logs: readonly LogLine[];
  /** Stream events so far (stream method), newest last. */
  readonly events?: readonly unknown[];
  readonly output?: unknown;
  readonly error?: {
    readonly message: string;
    readonly hint?: string;
    readonly fields?: readonly FieldError[];
  };
}

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** Host → webview. */
export type HostMessage =
  /** Once per page load: where calls go, and the form as last saved by the host (fresher than webview state). */
  | { readonly type: 'init'; readonly target: string; readonly form?: PlaygroundForm }
  /** Endpoint ids to offer: recent ones, then the target's catalogue. */
  | { readonly type: 'endpoints'; readonly endpoints: readonly string[] }
  | { readonly type: 'target'; readonly target: string }
  /** Replace the form (e.g. "Open in Playground" on a request of the Requests view). */
  | { readonly type: 'form'; readonly form: PlaygroundForm }
  | {
      readonly type: 'example';
      readonly endpointId: string;
      readonly inputText: string;
      readonly fields: readonly string[];
    }
  | { readonly type: 'call'; readonly call: CallView }
  | { readonly type: 'problem'; readonly message: string };

/** Webview → host. */
export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'call'; readonly form: PlaygroundForm }
  /** The form changed: the host saves it at once, so a reload right after loses nothing. */
  | { readonly type: 'form'; readonly form: PlaygroundForm }
  | { readonly type: 'cancel' }
  /** Copy the form's call as code (the host asks which language). */
  | { readonly type: 'copyAsCode'; readonly form: PlaygroundForm }
  | { readonly type: 'example'; readonly endpointId: string }
  | { readonly type: 'openOutput' }
  | { readonly type: 'setApiKey' };

/** What is wrong with a JSON input text, with the parser's words; undefined when it is a JSON object. */
export function checkJsonInput(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `Not valid JSON: ${(err as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'The input must be a JSON object, e.g. {"prompt": "a red fox"}.';
  }
  return undefined;
}

/** Parses `Name: value` lines; returns the headers, or what is wrong with which line. */
export function parseHeaderLines(text: string): { headers: Record<string, string> } | { problem: string } {
  const headers: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      return { problem: `Header line ${i + 1} should be "Name: value", got "${line}".` };
    }
    if (/^authorization$/i.test(name)) {
      return { problem: 'The Authorization header comes from your fal key; remove it from the headers.' };
    }
    headers[name.toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers };
}

/** What is wrong with a webhook URL, or undefined when it is empty or an http(s) URL. */
export function checkWebhookUrl(text: string | undefined): string | undefined {
  if (!text?.trim()) return undefined;
  try {
    const url = new URL(text.trim());
    if (url.protocol === 'https:' || url.protocol === 'http:') return undefined;
  } catch {
    // fall through
  }
  return 'The webhook URL must be an http(s) URL, e.g. https://example.com/fal-webhook.';
}
