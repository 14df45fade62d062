// "Copy as code": the same call written for the official JavaScript client (@fal-ai/client), the
// Python client (fal_client) and curl, ready to paste into a project. The key is never in a snippet:
// each one reads FAL_KEY from the environment, and custom headers whose names suggest a secret are
// replaced by a placeholder. Snippets call fal.ai, whatever target the call was made on.
import { resolveConfig } from '../fal/config';
import { endpointUrl, requestUrl } from '../fal/urls';
import { isQueueMethod, type CallSpec } from '../common/callModel';
import { platformHeaders, type PlatformOption } from '../common/falHeaders';
import { redactHeaders } from '../common/secretHeaders';

export type SnippetLanguage = 'javascript' | 'python' | 'curl';
export const SNIPPET_LANGUAGES: readonly SnippetLanguage[] = ['javascript', 'python', 'curl'];

export type SnippetCall = CallSpec;

/** fal.ai's hosts, with no key: the URLs are built by the client's own builders. */
const FAL = resolveConfig({ credentials: undefined });

/**
 * Custom headers, secrets masked, plus the platform headers of every platform option but those in
 * `except` (the ones the snippet's client takes as arguments of its own).
 */
function headersOf(call: SnippetCall, except: readonly PlatformOption[] = []): Record<string, string> {
  const headers = redactHeaders(call.headers, '<your value>');
  return { ...headers, ...platformHeaders(call.platform, call.method, except) };
}

const QUEUE_ARGUMENTS: readonly PlatformOption[] = ['priority', 'hint', 'startTimeout'];

export function codeSnippet(language: SnippetLanguage, call: SnippetCall): string {
  switch (language) {
    case 'javascript':
      return javascript(call);
    case 'python':
      return python(call);
    case 'curl':
      return curl(call);
  }
}

// ---- JavaScript (@fal-ai/client) ----

function javascript(call: SnippetCall): string {
  const id = JSON.stringify(call.endpointId);
  const p = call.platform ?? {};
  // The JS client takes priority, hint and startTimeout as options for the queue (and startTimeout for
  // run); elsewhere they go as headers.
  const queue = isQueueMethod(call.method);
  const headers = headersOf(call, queue ? QUEUE_ARGUMENTS : call.method === 'run' ? ['startTimeout'] : []);
  const options: string[] = [`input: ${indent(JSON.stringify(call.input, null, 2), 2)}`];
  if (Object.keys(headers).length) options.push(`headers: ${indent(JSON.stringify(headers, null, 2), 2)}`);
  if (queue && p.priority) options.push(`priority: ${JSON.stringify(p.priority)}`);
  if (queue && p.hint) options.push(`hint: ${JSON.stringify(p.hint)}`);
  if (call.method !== 'realtime' && call.method !== 'stream' && p.startTimeout !== undefined) {
    options.push(`startTimeout: ${p.startTimeout}`);
  }
  if (call.method === 'submit' && call.webhookUrl)
    options.push(`webhookUrl: ${JSON.stringify(call.webhookUrl)}`);
  const lines = [
    'import { fal } from "@fal-ai/client";',
    '',
    '// The client reads your key from the FAL_KEY environment variable.',
  ];
  switch (call.method) {
    case 'run':
      lines.push(
        `const result = await fal.run(${id}, {`,
        ...body(options),
        '});',
        'console.log(result.data);',
      );
      break;
    case 'subscribe':
      options.push('logs: true', 'onQueueUpdate: (update) => console.log(update.status)');
      lines.push(
        `const result = await fal.subscribe(${id}, {`,
        ...body(options),
        '});',
        'console.log(result.data);',
      );
      break;
    case 'submit':
      lines.push(
        `const { request_id } = await fal.queue.submit(${id}, {`,
        ...body(options),
        '});',
        'console.log(request_id);',
        '// Later, or elsewhere: wait for it to finish, then fetch the result.',
        `await fal.queue.subscribeToStatus(${id}, { requestId: request_id, logs: true });`,
        `const result = await fal.queue.result(${id}, { requestId: request_id });`,
        'console.log(result.data);',
      );
      break;
    case 'stream':
      lines.push(
        `const stream = await fal.stream(${id}, {`,
        ...body(options),
        '});',
        'for await (const event of stream) console.log(event);',
        'const result = await stream.done();',
        'console.log(result);',
      );
      break;
    case 'realtime':
      lines.push(
        `const connection = fal.realtime.connect(${id}, {`,
        '  onResult: (result) => console.log(result),',
        '  onError: (error) => console.error(error),',
        '});',
        `connection.send(${indent(JSON.stringify(call.input, null, 2), 0)});`,
      );
      break;
  }
  return `${lines.join('\n')}\n`;
}

function body(options: string[]): string[] {
  return options.map((o) => `  ${o},`);
}

function indent(text: string, spaces: number): string {
  return text.split('\n').join(`\n${' '.repeat(spaces)}`);
}

// ---- Python (fal_client) ----

function python(call: SnippetCall): string {
  const id = JSON.stringify(call.endpointId);
  const p = call.platform ?? {};
  // fal_client takes priority, hint and start_timeout as arguments for the queue, hint and
  // start_timeout for run; stream takes only headers, realtime none (fal-protocol.md §13).
  const queue = isQueueMethod(call.method);
  const run = call.method === 'run';
  const headers = headersOf(call, queue ? QUEUE_ARGUMENTS : run ? ['hint', 'startTimeout'] : []);
  const args = [`arguments=${pythonValue(call.input, 4)}`];
  if (Object.keys(headers).length) args.push(`headers=${pythonValue(headers, 4)}`);
  if (queue && p.priority) args.push(`priority=${JSON.stringify(p.priority)}`);
  if ((queue || run) && p.hint) args.push(`hint=${JSON.stringify(p.hint)}`);
  if ((queue || run) && p.startTimeout !== undefined) args.push(`start_timeout=${p.startTimeout}`);
  if (call.method === 'submit' && call.webhookUrl)
    args.push(`webhook_url=${JSON.stringify(call.webhookUrl)}`);
  const lines = [
    'import fal_client',
    '',
    '# fal_client reads your key from the FAL_KEY environment variable.',
  ];
  const noHeaders = Object.keys(headersOf(call)).length
    ? [`# This call's headers are not passed here: fal_client.realtime takes none.`]
    : [];
  const callWith = (fn: string, extra: string[] = [], close = ')') => [
    `${fn}(`,
    `    ${id},`,
    ...[...args, ...extra].map((a) => `    ${a},`),
    close,
  ];
  switch (call.method) {
    case 'run':
      lines.push(...prefix('result = ', callWith('fal_client.run')), 'print(result)');
      break;
    case 'subscribe':
      lines.push(
        'def on_queue_update(update):',
        '    if isinstance(update, fal_client.InProgress):',
        '        for log in update.logs:',
        '            print(log["message"])',
        '',
        ...prefix(
          'result = ',
          callWith('fal_client.subscribe', ['with_logs=True', 'on_queue_update=on_queue_update']),
        ),
        'print(result)',
      );
      break;
    case 'submit':
      lines.push(
        ...prefix('handle = ', callWith('fal_client.submit')),
        'print(handle.request_id)',
        'result = handle.get()  # waits for the result',
      );
      break;
    case 'stream':
      lines.push(...prefix('for event in ', callWith('fal_client.stream', [], '):')), '    print(event)');
      break;
    case 'realtime':
      lines.push(
        ...noHeaders,
        `with fal_client.realtime(${id}) as connection:`,
        `    connection.send(${pythonValue(call.input, 4)})`,
        '    print(connection.recv())',
      );
      break;
  }
  return `${lines.join('\n')}\n`;
}

function prefix(text: string, lines: string[]): string[] {
  return lines.map((line, i) => (i === 0 ? `${text}${line}` : line));
}

/** A JSON value as a Python literal (True/False/None), indented to sit after `spaces` spaces. */
export function pythonValue(value: unknown, spaces: number): string {
  const pad = (n: number) => ' '.repeat(n);
  const render = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return 'None';
    if (v === true) return 'True';
    if (v === false) return 'False';
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'None';
    if (typeof v === 'string') return JSON.stringify(v);
    const inner = pad(spaces + (depth + 1) * 4);
    const outer = pad(spaces + depth * 4);
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[\n${v.map((x) => `${inner}${render(x, depth + 1)},`).join('\n')}\n${outer}]`;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${render(x, depth + 1)},`).join('\n')}\n${outer}}`;
  };
  return render(value, 0);
}

// ---- curl ----

function curl(call: SnippetCall): string {
  const headers = headersOf(call);
  const json = shellQuote(JSON.stringify(call.input));
  const headerArgs = Object.entries(headers).map(([n, v]) => `  -H ${shellQuote(`${n}: ${v}`)} \\`);
  const post = (url: string, extra: string[] = []) => [
    `curl -X POST ${shellQuote(url)} \\`,
    '  -H "Authorization: Key $FAL_KEY" \\',
    '  -H "Content-Type: application/json" \\',
    ...extra,
    ...headerArgs,
    `  -d ${json}`,
  ];
  const lines = ['# Your key comes from the FAL_KEY environment variable.'];
  switch (call.method) {
    case 'run':
      lines.push(...post(endpointUrl(FAL, 'run', call.endpointId)));
      break;
    case 'stream':
      lines.push(
        ...post(endpointUrl(FAL, 'run', call.endpointId, 'stream'), [
          '  -N -H "Accept: text/event-stream" \\',
        ]),
      );
      break;
    case 'subscribe':
    case 'submit': {
      const webhook = call.method === 'submit' ? call.webhookUrl : undefined;
      // The URL around the request id, single-quoted, with "$REQUEST_ID" spliced in where the id goes.
      const request = (suffix: string, query?: Record<string, string>) => {
        const url = requestUrl(FAL, call.endpointId, 'R', suffix, query);
        const at = url.lastIndexOf('/requests/R') + '/requests/'.length;
        const after = url.slice(at + 1);
        return `${shellQuote(url.slice(0, at))}"$REQUEST_ID"${after ? shellQuote(after) : ''}`;
      };
      lines.push(
        '# Submit to the queue; the reply has request_id, status_url and response_url.',
        ...post(endpointUrl(FAL, 'queue', call.endpointId, undefined, { fal_webhook: webhook })),
        '',
        '# Then follow it and fetch the result (REQUEST_ID from the reply):',
        `curl -H "Authorization: Key $FAL_KEY" ${request('/status', { logs: '1' })}`,
        `curl -H "Authorization: Key $FAL_KEY" ${request('')}`,
      );
      break;
    }
    case 'realtime':
      lines.push(
        '# Realtime runs over a WebSocket with msgpack frames, which curl cannot speak.',
        '# Use the JavaScript or Python snippet; the same input as a direct call:',
        ...post(endpointUrl(FAL, 'run', call.endpointId)),
      );
      break;
  }
  return `${lines.join('\n')}\n`;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
