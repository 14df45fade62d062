// The checks on a call as a person typed it (the playground's form, the palette's input box): one
// set, run by the page as the user types and by the host before it calls, so both refuse the same
// things with the same words. A form that passes becomes the CallSpec the runner makes.
import { CALL_METHODS, isCallMethod, type CallSpec } from './callModel';
import { checkEndpointId } from './endpointId';
import type { PlaygroundForm } from './playgroundProtocol';

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

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * What is wrong with a custom header's name (not a header name, or Authorization, which the key
 * sets), or undefined; the form's header lines and request files' `headers` both go by it.
 */
export function checkHeaderName(name: string): string | undefined {
  if (!HEADER_NAME.test(name)) {
    return `"${name}" is not a header name (letters, digits and !#$%&'*+.^_\`|~- only).`;
  }
  if (/^authorization$/i.test(name)) {
    return 'The Authorization header comes from your fal key; remove it from the headers.';
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
    if (!HEADER_NAME.test(name)) {
      return { problem: `Header line ${i + 1} should be "Name: value", got "${line}".` };
    }
    const problem = checkHeaderName(name);
    if (problem) return { problem };
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

/** What is wrong with a start timeout (seconds, more than 1), or undefined when it is fine or unset. */
export function checkStartTimeout(seconds: number | undefined): string | undefined {
  if (seconds === undefined) return undefined;
  return seconds > 1 ? undefined : 'The start timeout must be more than 1 second.';
}

/** What is wrong with each part of a form; a part that is fine is absent. */
export interface FormProblems {
  readonly method?: string;
  readonly endpoint?: string;
  readonly input?: string;
  readonly headers?: string;
  readonly webhook?: string;
}

export type FormCheck =
  | { readonly call: CallSpec; readonly problems?: undefined }
  | { readonly call?: undefined; readonly problems: FormProblems; readonly first: string };

/** Checks a whole form: the call it describes, or what is wrong with which part. */
export function checkForm(form: PlaygroundForm): FormCheck {
  const headers = parseHeaderLines(form.headersText);
  const problems: FormProblems = {
    method: isCallMethod(form.method) ? undefined : `Pick a method: ${CALL_METHODS.join(', ')}.`,
    endpoint: checkEndpointId(form.endpointId),
    input: checkJsonInput(form.inputText),
    headers: 'problem' in headers ? headers.problem : checkStartTimeout(form.platform.startTimeout),
    webhook: form.method === 'submit' ? checkWebhookUrl(form.webhookUrl) : undefined,
  };
  const first =
    problems.method ?? problems.endpoint ?? problems.input ?? problems.headers ?? problems.webhook;
  if (first !== undefined || 'problem' in headers) return { problems, first: first ?? '' };
  return {
    call: {
      endpointId: form.endpointId.trim(),
      method: form.method,
      input: JSON.parse(form.inputText) as unknown,
      headers: headers.headers,
      platform: form.platform,
      ...(form.method === 'submit' && form.webhookUrl?.trim() ? { webhookUrl: form.webhookUrl.trim() } : {}),
    },
  };
}
