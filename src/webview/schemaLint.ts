// Inline errors for the JSON input against the endpoint's input schema, behind @codemirror/lint:
// @cfworker/json-schema validates (it interprets schemas, so it runs under the page's CSP, which
// allows no eval), and each error is put at its JSON path — a wrong type or an out-of-range value
// on the value, an unknown property on its key, a missing required field on its object's brace.
// A key the schema does not declare is an error when the schema says additionalProperties: false,
// and a warning otherwise (fal's schemas rarely say; the server may still refuse or ignore it).
// JSON that does not parse is left to the page's own parse check (#input-problem).
import { Validator, type OutputUnit } from '@cfworker/json-schema';
import type { EditorState } from '@codemirror/state';
import type { Diagnostic } from '@codemirror/lint';
import {
  branches,
  nodeAt,
  pointerPath,
  propertiesOf,
  schemaAt,
  type JsonPath,
  type JsonSchema,
} from './jsonSchemaPaths';

/** Errors that only say a part below them failed; the part's own error says what. */
const WRAPPER_KEYWORDS = new Set([
  'properties',
  'items',
  'prefixItems',
  'additionalProperties',
  'patternProperties',
  'allOf',
  '$ref',
  'dependentSchemas',
  'unevaluatedProperties',
  'unevaluatedItems',
]);

/** The validator of a schema, made once per schema. */
const validators = new WeakMap<JsonSchema, Validator>();

function validatorOf(schema: JsonSchema): Validator {
  let validator = validators.get(schema);
  if (!validator) {
    validator = new Validator(schema as Record<string, unknown>, '2020-12', false);
    validators.set(schema, validator);
  }
  return validator;
}

/** The diagnostics of the document against `schema` (none when it does not parse). */
export function schemaDiagnostics(state: EditorState, schema: JsonSchema): Diagnostic[] {
  let value: unknown;
  try {
    value = JSON.parse(state.doc.toString());
  } catch {
    return [];
  }
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const add = (
    path: JsonPath,
    on: 'value' | 'name' | 'brace',
    severity: Diagnostic['severity'],
    message: string,
  ) => {
    const found = nodeAt(state, path);
    if (!found) return;
    const node = on === 'name' ? (found.name ?? found.value) : found.value;
    const from = node.from;
    const to = on === 'brace' ? node.from + 1 : node.to;
    const key = `${from}:${to}:${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    diagnostics.push({ from, to, severity, message, source: 'input schema' });
  };
  let errors: OutputUnit[];
  try {
    errors = validatorOf(schema).validate(value).errors;
  } catch (err) {
    // A schema the validator cannot read: said once, at the top, rather than hiding every check.
    add([], 'brace', 'info', `The input schema could not be checked: ${(err as Error).message}`);
    return diagnostics;
  }
  for (const error of errors) {
    if (WRAPPER_KEYWORDS.has(error.keyword)) continue;
    // A branch of anyOf/oneOf that did not match: the anyOf's own error says the value fits none.
    if (/\/(anyOf|oneOf)\/\d+\//.test(error.keywordLocation)) continue;
    const path = pointerPath(error.instanceLocation);
    if (error.keyword === 'false') {
      const name = path[path.length - 1];
      add(path, 'name', 'error', `Unknown property "${String(name)}": the schema allows no others.`);
    } else if (error.keyword === 'required') {
      add(path, 'brace', 'error', error.error.replace(/^Instance does not have/, 'Missing'));
    } else {
      add(path, 'value', 'error', error.error.replace(/^Instance\b/, 'Value'));
    }
  }
  for (const path of undeclaredKeys(value, schema, [])) {
    add(
      path,
      'name',
      'warning',
      `Unknown property "${String(path[path.length - 1])}": the schema does not list it.`,
    );
  }
  return diagnostics;
}

/** Keys of objects whose schema lists properties and says nothing of others. */
function undeclaredKeys(value: unknown, schema: JsonSchema | undefined, path: JsonPath): JsonPath[] {
  if (!schema || typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => undeclaredKeys(item, schemaAt(schema, [i]), [...path, i]));
  }
  const declared = propertiesOf(schema);
  const open = branches(schema).some(
    (b) => 'additionalProperties' in b || 'patternProperties' in b || 'unevaluatedProperties' in b,
  );
  const out: JsonPath[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (declared.size > 0 && !open && !declared.has(key)) out.push([...path, key]);
    else out.push(...undeclaredKeys(item, schemaAt(schema, [key]), [...path, key]));
  }
  return out;
}
