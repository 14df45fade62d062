// An endpoint's Input and Output as self-contained JSON Schemas, read from fal's per-endpoint
// OpenAPI document (`{schema host}?endpoint_id=ID`): `$ref`s into `components.schemas` inlined
// (recursive ones kept under `$defs`), field order from `x-fal-order-properties`, cached per id.
import type { ClientConfig } from './config';
import { isRecord, ProtocolError } from './errors';
import { request } from './http';
import { DEFAULT_RETRY } from './retry';
import { queryString } from './urls';
import { parseEndpointId } from '../common/endpointId';
import { fieldOrder, type JsonSchema } from '../common/schemaForm';

export { fieldOrder, type JsonSchema };

export interface EndpointSchema {
  endpointId: string;
  input: JsonSchema;
  output: JsonSchema;
  /** Input field names in UI order (`x-fal-order-properties`, else declaration order). */
  inputOrder: string[];
  outputOrder: string[];
  /** `info["x-fal-metadata"]` (category, playground and documentation URLs...). */
  metadata: Record<string, unknown>;
  /** The document as served. */
  openapi: JsonSchema;
}

export interface SchemaClient {
  schema(
    endpointId: string,
    options?: { abortSignal?: AbortSignal; refresh?: boolean },
  ): Promise<EndpointSchema>;
  clearSchemaCache(): void;
}

export function createSchemaClient(config: ClientConfig): SchemaClient {
  const cache = new Map<string, Promise<EndpointSchema>>();
  return {
    schema(endpointId, options = {}) {
      const id = parseEndpointId(endpointId).id;
      const cached = cache.get(id);
      if (cached && !options.refresh) return cached;
      const pending = (async () => {
        const url = config.hosts.schema + queryString({ endpoint_id: id });
        const { data } = await request<unknown>(config, {
          url,
          signal: options.abortSignal,
          retry: DEFAULT_RETRY,
        });
        return endpointSchemaFromOpenApi(id, data, url);
      })();
      cache.set(id, pending);
      pending.catch(() => {
        if (cache.get(id) === pending) cache.delete(id);
      });
      return pending;
    },
    clearSchemaCache() {
      cache.clear();
    },
  };
}

/** Extracts Input/Output of `endpointId` from its OpenAPI document. */
export function endpointSchemaFromOpenApi(
  endpointId: string,
  doc: unknown,
  source = 'the OpenAPI document',
): EndpointSchema {
  const fail = (why: string) =>
    new ProtocolError(`Schema of ${endpointId} from ${source}: ${why}`, { status: 200, url: source });
  if (!isRecord(doc)) throw fail('not a JSON object');
  const components =
    isRecord(doc.components) && isRecord(doc.components.schemas) ? doc.components.schemas : {};
  const paths = isRecord(doc.paths) ? doc.paths : {};
  const pathKeys = Object.keys(paths);

  const submitKey =
    pathKeys.find((k) => k === `/${endpointId}`) ??
    pathKeys.find(
      (k) => !k.includes('/requests/') && isRecord(paths[k]) && isRecord((paths[k] as JsonSchema).post),
    );
  const resultKey =
    pathKeys.find((k) => k === `/${endpointId}/requests/{request_id}`) ??
    pathKeys.find((k) => /\/requests\/\{request_id\}$/.test(k));
  const inputRoot = dig(paths, [
    submitKey ?? '',
    'post',
    'requestBody',
    'content',
    'application/json',
    'schema',
  ]);
  const outputRoot = dig(paths, [
    resultKey ?? '',
    'get',
    'responses',
    '200',
    'content',
    'application/json',
    'schema',
  ]);
  if (!isRecord(inputRoot)) throw fail('no request body schema for the submit path');
  if (!isRecord(outputRoot)) throw fail('no 200 schema for the result path');

  const input = inlineRefs(inputRoot, components as Record<string, JsonSchema>);
  const output = inlineRefs(outputRoot, components as Record<string, JsonSchema>);
  const info = isRecord(doc.info) ? doc.info : {};
  return {
    endpointId,
    input,
    output,
    inputOrder: fieldOrder(input),
    outputOrder: fieldOrder(output),
    metadata: isRecord(info['x-fal-metadata']) ? info['x-fal-metadata'] : {},
    openapi: doc,
  };
}

const REF_PREFIX = '#/components/schemas/';

/**
 * A copy of `root` with every `#/components/schemas/X` reference inlined. A reference met again
 * inside its own expansion becomes `#/$defs/X`, and the schema gains `$defs` for those.
 */
export function inlineRefs(root: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  const recursive = new Set<string>();
  const walk = (node: unknown, stack: string[]): unknown => {
    if (Array.isArray(node)) return node.map((n) => walk(n, stack));
    if (!isRecord(node)) return node;
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith(REF_PREFIX)) {
      const name = decodeURIComponent(ref.slice(REF_PREFIX.length));
      const { $ref: _ignored, ...siblings } = node;
      if (stack.includes(name)) {
        recursive.add(name);
        return { ...walkObject(siblings, stack), $ref: `#/$defs/${name}` };
      }
      const target = components[name];
      if (!isRecord(target)) return { ...walkObject(siblings, stack), $ref: ref };
      return { ...(walk(target, [...stack, name]) as JsonSchema), ...walkObject(siblings, stack) };
    }
    return walkObject(node, stack);
  };
  const walkObject = (node: Record<string, unknown>, stack: string[]): JsonSchema =>
    Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, stack)]));

  const result = walk(root, []) as JsonSchema;
  if (recursive.size > 0) {
    const defs: Record<string, unknown> = {};
    for (let i = 0; i < 10 && [...recursive].some((n) => !(n in defs)); i++) {
      for (const name of [...recursive]) if (!(name in defs)) defs[name] = walk(components[name], [name]);
    }
    result.$defs = defs;
  }
  return result;
}

function dig(node: unknown, keys: string[]): unknown {
  let current = node;
  for (const key of keys) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}
