// Request files (`*.fal.json`): calls kept as files next to the code, one request object or an array
// of named ones. Parsed with jsonc-parser, so each request keeps its place in the text (the CodeLens
// above it) and a broken file still shows its requests; each request is checked with the words the
// playground's form uses (callForm.ts) and becomes the CallSpec every call path takes. Also the way
// back: calls written out as a request file (secret-looking headers never written). Pure, no editor.
import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import {
  CALL_METHODS,
  isCallMethod,
  type CallMethod,
  type CallSpec,
  type PlatformOptions,
} from './callModel';
import { checkHeaderName, checkStartTimeout } from './callForm';
import { checkEndpointId } from './endpointId';
import { withoutSecretHeaders } from './secretHeaders';

/** What a request file holds, per request, once checked. */
export interface FileRequest {
  readonly name?: string;
  readonly endpoint: string;
  /** The request's own method (`subscribe` when the file names none). */
  readonly method: CallMethod;
  readonly input: Record<string, unknown>;
  readonly headers?: Record<string, string>;
  readonly platform?: PlatformOptions;
  readonly webhookUrl?: string;
}

/** One request of a file: where it is, and the request or what is wrong with it. */
export interface RequestFileEntry {
  readonly index: number;
  /** The request object's place in the text. */
  readonly offset: number;
  readonly length: number;
  /** How messages name it: `request "cat" (2 of 3)`, or `the request`. */
  readonly label: string;
  readonly request?: FileRequest;
  readonly problem?: string;
}

export interface ParsedRequestFile {
  readonly entries: readonly RequestFileEntry[];
  /** What is wrong with the file as a whole (not JSON, neither an object nor an array). */
  readonly problem?: string;
}

/** The method a request without one is called with. */
export const DEFAULT_FILE_METHOD: CallMethod = 'subscribe';

const KEYS = ['name', 'endpoint', 'method', 'input', 'headers', 'platform', 'webhookUrl'] as const;
const PLATFORM_KEYS = ['noRetry', 'startTimeout', 'priority', 'hint', 'storeIo'] as const;

/** Parses a request file's text (comments allowed); never throws. */
export function parseRequestFile(text: string): ParsedRequestFile {
  if (!text.trim()) {
    return {
      entries: [],
      problem:
        'The file is empty: write a request, e.g. {"endpoint": "fal-ai/flux/dev", "input": {"prompt": "a fox"}}.',
    };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: false });
  const fileProblem = errors.length ? syntaxProblem(text, errors[0]) : undefined;
  if (!root) return { entries: [], problem: fileProblem ?? 'The file holds no request.' };
  let nodes: Node[];
  if (root.type === 'object') nodes = [root];
  else if (root.type === 'array') nodes = root.children ?? [];
  else {
    return {
      entries: [],
      problem:
        fileProblem ??
        'A request file holds one request object {"endpoint": …, "input": {…}} or an array of them, each with a "name".',
    };
  }
  const several = root.type === 'array';
  const entries = nodes.map((node, index): RequestFileEntry => {
    // Plain objects (jsonc-parser's have no prototype), so a request compares and spreads as JSON does.
    const value: unknown =
      node.type === 'object' ? JSON.parse(JSON.stringify(getNodeValue(node))) : undefined;
    const name = isRecord(value) && typeof value.name === 'string' ? value.name : undefined;
    const label = several
      ? `request ${name ? `"${name}" ` : ''}(${index + 1} of ${nodes.length})`
      : `the request${name ? ` "${name}"` : ''}`;
    const checked =
      node.type === 'object' ? checkRequest(value as Record<string, unknown>, several) : 'must be an object';
    const place = { index, offset: node.offset, length: node.length, label };
    return typeof checked === 'string'
      ? { ...place, problem: `In ${label}: ${checked}` }
      : { ...place, request: checked };
  });
  return { entries, ...(fileProblem ? { problem: fileProblem } : {}) };
}

/** The request at `index`, or an Error saying what is wrong with it (or with the file). */
export function requestAt(parsed: ParsedRequestFile, index: number): FileRequest | Error {
  if (parsed.problem) return new Error(parsed.problem);
  const entry = parsed.entries[index];
  if (!entry) return new Error(`The file has no request ${index + 1}: it was edited; try again.`);
  return entry.request ?? new Error(entry.problem ?? `${entry.label} cannot be called.`);
}

/** The call a request makes with `method` (its own by default); a webhook goes with submit only. */
export function callOf(request: FileRequest, method: CallMethod = request.method): CallSpec {
  return {
    endpointId: request.endpoint,
    method,
    input: request.input,
    ...(request.headers ? { headers: request.headers } : {}),
    ...(request.platform ? { platform: request.platform } : {}),
    ...(method === 'submit' && request.webhookUrl ? { webhookUrl: request.webhookUrl } : {}),
  };
}

function checkRequest(value: Record<string, unknown>, named: boolean): FileRequest | string {
  const unknown = Object.keys(value).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown.length) return `unknown key "${unknown[0]}" (a request has ${KEYS.join(', ')}).`;
  const { name, endpoint, method, input, headers, platform, webhookUrl } = value;
  if (name !== undefined && typeof name !== 'string') return '"name" must be a string.';
  if (named && !name) return 'each request of an array needs a "name", e.g. "name": "a red fox".';
  if (typeof endpoint !== 'string') return '"endpoint" must be an endpoint id, e.g. "fal-ai/flux/dev".';
  const endpointProblem = checkEndpointId(endpoint);
  if (endpointProblem) return endpointProblem;
  if (method !== undefined && !isCallMethod(method))
    return `"method" must be one of ${CALL_METHODS.join(', ')}.`;
  if (input !== undefined && !isRecord(input))
    return '"input" must be a JSON object, e.g. {"prompt": "a red fox"}.';
  const checkedHeaders = checkHeaders(headers);
  if (typeof checkedHeaders === 'string') return checkedHeaders;
  const checkedPlatform = checkPlatform(platform);
  if (typeof checkedPlatform === 'string') return checkedPlatform;
  if (webhookUrl !== undefined && typeof webhookUrl !== 'string') return '"webhookUrl" must be a string.';
  return {
    ...(name ? { name } : {}),
    endpoint: endpoint.trim(),
    method: method ?? DEFAULT_FILE_METHOD,
    input: input ?? {},
    ...(checkedHeaders ? { headers: checkedHeaders } : {}),
    ...(checkedPlatform ? { platform: checkedPlatform } : {}),
    ...(webhookUrl ? { webhookUrl } : {}),
  };
}

function checkHeaders(headers: unknown): Record<string, string> | undefined | string {
  if (headers === undefined) return undefined;
  if (!isRecord(headers)) return '"headers" must be an object of names and string values.';
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const problem = checkHeaderName(name);
    if (problem) return `in "headers": ${problem}`;
    if (typeof value !== 'string') return `header "${name}" must have a string value.`;
    checked[name.toLowerCase()] = value;
  }
  return checked;
}

function checkPlatform(platform: unknown): PlatformOptions | undefined | string {
  if (platform === undefined) return undefined;
  if (!isRecord(platform)) return `"platform" must be an object with any of ${PLATFORM_KEYS.join(', ')}.`;
  const unknown = Object.keys(platform).filter((k) => !(PLATFORM_KEYS as readonly string[]).includes(k));
  if (unknown.length) return `unknown platform option "${unknown[0]}" (one of ${PLATFORM_KEYS.join(', ')}).`;
  const { noRetry, startTimeout, priority, hint, storeIo } = platform;
  if (noRetry !== undefined && typeof noRetry !== 'boolean')
    return '"platform.noRetry" must be true or false.';
  if (storeIo !== undefined && typeof storeIo !== 'boolean')
    return '"platform.storeIo" must be true or false.';
  if (startTimeout !== undefined && typeof startTimeout !== 'number')
    return '"platform.startTimeout" must be a number of seconds.';
  const timeoutProblem = checkStartTimeout(startTimeout);
  if (timeoutProblem) return timeoutProblem;
  if (priority !== undefined && priority !== 'normal' && priority !== 'low')
    return '"platform.priority" must be "normal" or "low".';
  if (hint !== undefined && typeof hint !== 'string') return '"platform.hint" must be a string.';
  return platform as PlatformOptions;
}

function syntaxProblem(text: string, error: ParseError): string {
  const before = text.slice(0, error.offset).split('\n');
  const words = printParseErrorCode(error.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return `Not valid JSON at line ${before.length}, column ${before[before.length - 1].length + 1}: ${words}.`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- writing ----

/** A call to write into a request file, with the name it gets in an array. */
export interface NamedCall {
  readonly name?: string;
  readonly call: CallSpec;
}

/** The request object a call is written as; secret-looking headers (and redacted values) left out. */
export function requestObjectOf(named: NamedCall): Record<string, unknown> {
  const { call } = named;
  const headers = withoutSecretHeaders(call.headers);
  const platform = Object.entries(call.platform ?? {}).filter(([, v]) => v !== undefined);
  return {
    ...(named.name ? { name: named.name } : {}),
    endpoint: call.endpointId,
    method: call.method,
    input: call.input ?? {},
    ...(headers ? { headers } : {}),
    ...(platform.length ? { platform: Object.fromEntries(platform) } : {}),
    ...(call.webhookUrl ? { webhookUrl: call.webhookUrl } : {}),
  };
}

/**
 * The text of a request file holding `calls`: one object for one call, else an array whose requests
 * each have a name (given, or made from the endpoint and a number, unique in the file).
 */
export function requestFileText(calls: readonly NamedCall[]): string {
  if (calls.length === 1) return `${JSON.stringify(requestObjectOf(calls[0]), null, 2)}\n`;
  const used = new Set<string>();
  const objects = calls.map((named, i) => {
    let name = named.name?.trim() || `${lastPart(named.call.endpointId)} ${i + 1}`;
    for (let n = 2; used.has(name); n++)
      name = `${named.name?.trim() || lastPart(named.call.endpointId)} (${n})`;
    used.add(name);
    return requestObjectOf({ ...named, name });
  });
  return `${JSON.stringify(objects, null, 2)}\n`;
}

/** `sandbox/image` → `image.fal.json`: the file a new request for an endpoint is saved as. */
export function requestFileName(endpointId: string): string {
  const base = lastPart(endpointId).replace(/[^A-Za-z0-9._-]+/g, '-') || 'request';
  return `${base}.fal.json`;
}

function lastPart(endpointId: string): string {
  const parts = endpointId.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? endpointId;
}
