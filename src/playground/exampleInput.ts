// A starting JSON input for an endpoint, built from its input schema: every required field, with the
// schema's first example, else its default, else an empty value of its type; optional fields are
// listed for the user rather than filled in. The values come from the form model's `exampleOf`
// (src/common/schemaForm.ts), one code for the form's Example input and this. No `vscode`.
import { exampleOf } from '../common/schemaForm';
import type { EndpointSchema } from '../fal/schema';

export interface ExampleInput {
  readonly input: Record<string, unknown>;
  /** Every input field, in the endpoint's order, required ones marked with `*`. */
  readonly fields: string[];
}

export function exampleInput(schema: EndpointSchema): ExampleInput {
  const required = new Set(Array.isArray(schema.input.required) ? (schema.input.required as string[]) : []);
  return {
    input: exampleOf(schema.input, { requiredOnly: true }),
    fields: schema.inputOrder.map((name) => (required.has(name) ? `${name}*` : name)),
  };
}
