// The JSON Schema of a `*.fal.json` request file, as VS Code's own JSON language features read it
// (completion, hovers, errors in the Problems view): the file's shape (one request, or an array of
// named requests) with the platform options described as the call model has them, and, for each
// endpoint id given, that request's `input` checked against the endpoint's input schema, embedded
// in the document so the schema needs nothing but itself. Pure (no `vscode`, no Node): the host
// serves it (src/requestFiles/requestFileSchemas.ts) and unit tests read it as is.
import { CALL_METHODS, type CallMethod, type PlatformOptions } from './callModel';
import { FAL_HEADERS, STORE_IO_HEADER_TITLE } from './falHeaders';
import type { JsonSchema } from './schemaForm';

/**
 * What an endpoint id in a request file must look like (`owner/app[/path]`, or the legacy `123-app`):
 * ids only, never URLs. An id that passes is looked up; one that does not is the schema's error.
 */
export const ENDPOINT_ID_PATTERN = '^([0-9]+-[A-Za-z0-9-]+|[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)+)$';

const METHOD_DESCRIPTIONS: Record<CallMethod, string> = {
  run: 'A direct call (fal.run), no queue: the output comes in the reply.',
  subscribe: 'Submit to the queue and wait for the result, with its logs.',
  submit: 'Submit to the queue and return at once; the Requests view follows the request.',
  stream: "The endpoint's /stream: its events as they come, then the output.",
  realtime: 'A send on a realtime session (one WebSocket per endpoint).',
};

/** Every platform option of the call model (callModel.ts), with the header each becomes (falHeaders.ts). */
const PLATFORM_PROPERTIES: Record<keyof PlatformOptions, JsonSchema> = {
  noRetry: {
    type: 'boolean',
    description: `true sends \`${FAL_HEADERS.noRetry}: 1\`: fal does not retry the request when its runner fails.`,
  },
  startTimeout: {
    type: 'number',
    exclusiveMinimum: 1,
    description:
      `Seconds the request may wait to start (\`${FAL_HEADERS.requestTimeout}\`, more than 1); ` +
      'when no runner starts it in time it fails with 504.',
  },
  priority: {
    type: 'string',
    enum: ['normal', 'low'],
    enumDescriptions: ['The default.', 'Runs after the normal-priority requests waiting.'],
    description: `Queue priority (\`${FAL_HEADERS.queuePriority}\`); queue methods (subscribe, submit) only.`,
  },
  hint: {
    type: 'string',
    description: `Runner hint (\`${FAL_HEADERS.runnerHint}\`): routes the request to a runner, e.g. one with a warm cache.`,
  },
  storeIo: {
    type: 'boolean',
    description:
      `false sends \`${STORE_IO_HEADER_TITLE}: 0\`: fal keeps no copy of the request and response payloads, ` +
      'and a queue result only 1 hour after it completes (6 minutes when it is 10 KB or more).',
  },
};

/** One request: every key the format knows, each described; any other key is an error (a typo). */
function requestSchema(inputChecks: readonly JsonSchema[]): JsonSchema {
  return {
    type: 'object',
    description: 'A call of a fal endpoint.',
    required: ['endpoint'],
    properties: {
      name: {
        type: 'string',
        minLength: 1,
        description: "The request's name (needed when the file holds an array of requests).",
      },
      endpoint: {
        type: 'string',
        pattern: ENDPOINT_ID_PATTERN,
        patternErrorMessage: 'An endpoint id: owner/app[/path], e.g. fal-ai/flux/dev.',
        description: 'The endpoint id, e.g. fal-ai/flux/dev. Its input schema checks `input`.',
      },
      method: {
        type: 'string',
        enum: [...CALL_METHODS],
        enumDescriptions: CALL_METHODS.map((m) => METHOD_DESCRIPTIONS[m]),
        description: 'How the request is called; the CodeLens offers every method, this one first.',
      },
      input: {
        type: 'object',
        description: "The endpoint's input, checked against its input schema when the target has one.",
      },
      headers: {
        type: 'object',
        description:
          'Custom headers sent with the call, as "Name": "value". Not Authorization: the key is the extension\'s business.',
        propertyNames: {
          pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$",
          patternErrorMessage: "A header name: letters, digits and !#$%&'*+.^_`|~-",
          not: { pattern: '^[Aa][Uu][Tt][Hh][Oo][Rr][Ii][Zz][Aa][Tt][Ii][Oo][Nn]$' },
          errorMessage: 'The Authorization header comes from your fal key; remove it from the headers.',
        },
        additionalProperties: { type: 'string' },
      },
      platform: {
        type: 'object',
        description: "fal's platform options, each sent as its header.",
        properties: PLATFORM_PROPERTIES,
        additionalProperties: false,
      },
      webhookUrl: {
        type: 'string',
        pattern: '^https?://',
        patternErrorMessage: 'An http(s) URL, e.g. https://example.com/fal-webhook.',
        description: 'Submit only: the URL fal POSTs the result to.',
      },
    },
    additionalProperties: false,
    ...(inputChecks.length > 0 ? { allOf: inputChecks } : {}),
  };
}

/** `#/definitions/inputs/<id>`: where an endpoint's input schema sits in the served document. */
export function inputSchemaPointer(endpointId: string): string {
  return `#/definitions/inputs/${encodeURIComponent(escapePointerSegment(endpointId))}`;
}

/**
 * The request file's schema, with `input` checked by endpoint for each entry of `inputs` (endpoint id,
 * exactly as the file writes it → that endpoint's input schema, `$ref`s inlined as src/fal/schema.ts
 * gives it). An endpoint not in `inputs` leaves its `input` unchecked (any object).
 */
export function requestFileSchema(inputs: ReadonlyMap<string, JsonSchema>): JsonSchema {
  const ids = [...inputs.keys()].sort();
  const definitions: Record<string, JsonSchema> = {};
  for (const id of ids) definitions[id] = embedSchema(inputs.get(id)!, inputSchemaPointer(id));
  const checks = ids.map((id) => ({
    if: { properties: { endpoint: { const: id } }, required: ['endpoint'] },
    then: { properties: { input: { $ref: inputSchemaPointer(id) } } },
  }));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'fal request file',
    description: 'One request {"endpoint", "method", "input", ...}, or an array of them, each with a "name".',
    type: ['object', 'array'],
    if: { type: 'array' },
    then: { items: { $ref: '#/definitions/namedRequest' } },
    else: { $ref: '#/definitions/request' },
    definitions: {
      request: requestSchema(checks),
      // Not a `$ref` with `required` beside it: VS Code's JSON service copies the target over it.
      namedRequest: { allOf: [{ $ref: '#/definitions/request' }], required: ['name'] },
      inputs: definitions,
    },
  };
}

/**
 * A copy of a schema from a server, made safe to embed at `base`: its own `#…` references moved
 * under `base` (those that point at nothing dropped, so the document always resolves), references
 * elsewhere dropped (VS Code would download them), `$id`/`$schema` dropped, and markdown texts
 * dropped so its descriptions show as plain text only.
 */
export function embedSchema(schema: JsonSchema, base: string): JsonSchema {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isObject(node)) return node;
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string' && (key === '$id' || key === '$schema' || key === 'markdownDescription'))
        continue;
      if (key === 'markdownEnumDescriptions' && Array.isArray(value)) continue;
      if (key === '$ref' && typeof value === 'string') {
        if (value.startsWith('#') && resolvePointer(schema, value.slice(1)) !== undefined) {
          copy.$ref = base + value.slice(1);
        }
        continue;
      }
      copy[key] = walk(value);
    }
    return copy;
  };
  return walk(schema) as JsonSchema;
}

/** The value at a JSON pointer (`/a/b~1c`, URI-encoded as in a `$ref`) within `root`, or undefined. */
function resolvePointer(root: unknown, pointer: string): unknown {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pointer);
  } catch {
    return undefined;
  }
  if (decoded === '') return root;
  if (!decoded.startsWith('/')) return undefined;
  let current = root;
  for (const raw of decoded.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
    if (current === undefined) return undefined;
  }
  return current;
}

function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
