// A starting JSON input for an endpoint, built from its input schema: every required field, with the
// schema's first example, else its default, else an empty value of its type; optional fields are
// listed for the user rather than filled in. Plain data in, plain data out: no `vscode`.
import type { EndpointSchema, JsonSchema } from '../fal/schema';

export interface ExampleInput {
  readonly input: Record<string, unknown>;
  /** Every input field, in the endpoint's order, required ones marked with `*`. */
  readonly fields: string[];
}

export function exampleInput(schema: EndpointSchema): ExampleInput {
  const properties = (schema.input.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(schema.input.required) ? (schema.input.required as string[]) : []);
  const input: Record<string, unknown> = {};
  for (const name of schema.inputOrder) {
    if (required.has(name)) input[name] = sampleValue(properties[name] ?? {});
  }
  return { input, fields: schema.inputOrder.map((name) => (required.has(name) ? `${name}*` : name)) };
}

function sampleValue(field: JsonSchema): unknown {
  if (Array.isArray(field.examples) && field.examples.length > 0) return field.examples[0];
  if ('default' in field) return field.default;
  if (Array.isArray(field.enum) && field.enum.length > 0) return field.enum[0];
  const type = Array.isArray(field.type) ? field.type[0] : field.type;
  switch (type) {
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return typeof field.minimum === 'number' ? field.minimum : 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return null;
  }
}
