// Checks a request input against an endpoint's Input schema the way fal's (pydantic) apps do:
// defaults filled in, types, enums and limits checked, failures as a 422 `detail` array.
import type { JsonSchema, SandboxEndpoint } from './endpoints/types';

export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

type Schemas = Record<string, JsonSchema>;

function resolve(schema: JsonSchema, components: Schemas): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const target = components[ref.replace('#/components/schemas/', '')] ?? {};
    const { $ref: _, ...rest } = schema;
    return { ...target, ...rest };
  }
  return schema;
}

function check(
  value: unknown,
  raw: JsonSchema,
  loc: (string | number)[],
  components: Schemas,
  coerce: boolean,
  errors: FieldError[],
): unknown {
  const schema = resolve(raw, components);
  if (Array.isArray(schema.anyOf)) {
    for (const alt of schema.anyOf as JsonSchema[]) {
      const altErrors: FieldError[] = [];
      const out = check(value, alt, loc, components, coerce, altErrors);
      if (altErrors.length === 0) return out;
    }
    errors.push({ loc, msg: 'value is not a valid choice', type: 'value_error' });
    return value;
  }
  const type = schema.type;
  if (
    (type === 'integer' || type === 'number') &&
    coerce &&
    typeof value === 'string' &&
    value.trim() !== ''
  ) {
    const n = Number(value);
    if (!Number.isNaN(n)) value = n;
  }
  if (type === 'boolean' && coerce && (value === 'true' || value === 'false')) value = value === 'true';
  switch (type) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        errors.push({ loc, msg: 'value is not a valid integer', type: 'type_error.integer' });
        return value;
      }
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        errors.push({ loc, msg: 'value is not a valid float', type: 'type_error.float' });
        return value;
      }
      break;
    case 'string':
      if (typeof value !== 'string') {
        errors.push({ loc, msg: 'str type expected', type: 'type_error.str' });
        return value;
      }
      break;
    case 'boolean':
      if (typeof value !== 'boolean') {
        errors.push({ loc, msg: 'value could not be parsed to a boolean', type: 'type_error.bool' });
        return value;
      }
      break;
    case 'array':
      if (!Array.isArray(value)) {
        errors.push({ loc, msg: 'value is not a valid list', type: 'type_error.list' });
        return value;
      }
      if (schema.items) {
        return value.map((v, i) =>
          check(v, schema.items as JsonSchema, [...loc, i], components, coerce, errors),
        );
      }
      return value;
    case 'object':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        errors.push({ loc, msg: 'value is not a valid dict', type: 'type_error.dict' });
        return value;
      }
      return checkObject(value as Record<string, unknown>, schema, loc, components, coerce, errors);
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    const allowed = schema.enum.map((v) => `'${String(v)}'`).join(', ');
    errors.push({
      loc,
      msg: `value is not a valid enumeration member; permitted: ${allowed}`,
      type: 'type_error.enum',
    });
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) {
      errors.push({
        loc,
        msg: `ensure this value is greater than or equal to ${schema.minimum}`,
        type: 'value_error.number.not_ge',
      });
    }
    if (typeof schema.maximum === 'number' && value > schema.maximum) {
      errors.push({
        loc,
        msg: `ensure this value is less than or equal to ${schema.maximum}`,
        type: 'value_error.number.not_le',
      });
    }
  }
  if (typeof value === 'string' && typeof schema.minLength === 'number' && value.length < schema.minLength) {
    errors.push({
      loc,
      msg: `ensure this value has at least ${schema.minLength} characters`,
      type: 'value_error.any_str.min_length',
    });
  }
  if (typeof value === 'string' && typeof schema.maxLength === 'number' && value.length > schema.maxLength) {
    errors.push({
      loc,
      msg: `ensure this value has at most ${schema.maxLength} characters`,
      type: 'value_error.any_str.max_length',
    });
  }
  return value;
}

function checkObject(
  value: Record<string, unknown>,
  schema: JsonSchema,
  loc: (string | number)[],
  components: Schemas,
  coerce: boolean,
  errors: FieldError[],
): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = (schema.required ?? []) as string[];
  const out: Record<string, unknown> = { ...value };
  for (const name of required) {
    if (value[name] === undefined || value[name] === null) {
      errors.push({ loc: [...loc, name], msg: 'field required', type: 'value_error.missing' });
    }
  }
  for (const [name, prop] of Object.entries(props)) {
    const v = value[name];
    if (v === undefined || v === null) {
      const resolved = resolve(prop, components);
      if ('default' in resolved && !required.includes(name)) out[name] = structuredClone(resolved.default);
      continue;
    }
    out[name] = check(v, prop, [...loc, name], components, coerce, errors);
  }
  return out;
}

/** The input with defaults filled in, or the 422 field errors. `coerce` reads strings (GET query). */
export function validateInput(
  endpoint: SandboxEndpoint,
  input: Record<string, unknown>,
  coerce = false,
): { ok: true; input: Record<string, unknown> } | { ok: false; errors: FieldError[] } {
  if (endpoint.validate === false) return { ok: true, input };
  const errors: FieldError[] = [];
  const out = checkObject(input, endpoint.input, ['body'], endpoint.components ?? {}, coerce, errors);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, input: out };
}
