// Completion in the JSON input from the endpoint's input schema: property names the object's
// schema declares (not yet in the object), with their type and description, and the values a field
// allows outright (enum, const, booleans). Descriptions come from the endpoint's server, so the
// info is built with textContent, never as HTML.
import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import {
  enclosing,
  pathOf,
  propertiesOf,
  propertyName,
  schemaAt,
  typeOf,
  valuesOf,
  type JsonSchema,
} from './jsonSchemaPaths';

/** A DOM node holding `text` as text (the form completion info and hover take). */
export function textNode(text: string, className: string): HTMLElement {
  const node = document.createElement('div');
  node.className = className;
  node.textContent = text;
  return node;
}

function keyOption(name: string, field: JsonSchema, colonFollows: boolean): Completion {
  const description = typeof field.description === 'string' ? field.description : undefined;
  return {
    label: JSON.stringify(name),
    apply: colonFollows ? JSON.stringify(name) : `${JSON.stringify(name)}: `,
    type: 'property',
    detail: typeOf(field),
    info: description ? () => textNode(description, 'cm-schema-info') : undefined,
  };
}

function valueOption(value: unknown): Completion {
  return { label: JSON.stringify(value), type: typeof value === 'string' ? 'enum' : 'constant' };
}

/** The completion source; `schemaOf` gives the schema in force (none: no completions). */
export function schemaCompletion(schemaOf: () => JsonSchema | undefined) {
  return (context: CompletionContext): CompletionResult | null => {
    const schema = schemaOf();
    if (!schema) return null;
    const { state, pos } = context;
    const before = state.sliceDoc(Math.max(0, pos - 500), pos);
    const token = /"?[\w$.-]*$/.exec(before)?.[0] ?? '';
    if (token === '' && !context.explicit) return null;
    const from = pos - token.length;
    const to = token.startsWith('"') && state.sliceDoc(pos, pos + 1) === '"' ? pos + 1 : pos;
    const lead = before.slice(0, before.length - token.length).trimEnd();
    const last = lead.slice(-1);
    const container = enclosingContainer(state, from);
    if (!container) return null;

    if ((last === '{' || last === ',') && container.name === 'Object') {
      const objectSchema = schemaAt(schema, pathOf(state, container));
      if (!objectSchema) return null;
      const present = new Set(
        container
          .getChildren('Property')
          .map((p) => p.getChild('PropertyName'))
          .filter((n) => n !== null && (n.to < from || n.from > to))
          .map((n) => propertyName(state, n!)),
      );
      const colonFollows = /^\s*:/.test(state.sliceDoc(to, to + 50));
      const options = [...propertiesOf(objectSchema)]
        .filter(([name]) => !present.has(name))
        .map(([name, field]) => keyOption(name, field, colonFollows));
      return options.length ? { from, to, options, validFor: /^"?[\w$.-]*"?$/ } : null;
    }

    let field: JsonSchema | undefined;
    if (last === ':' && container.name === 'Object') {
      const name = /"((?:[^"\\]|\\.)*)"\s*$/.exec(lead.slice(0, -1))?.[1];
      if (name === undefined) return null;
      field = schemaAt(schema, [...pathOf(state, container), JSON.parse(`"${name}"`) as string]);
    } else if ((last === '[' || last === ',') && container.name === 'Array') {
      field = schemaAt(schema, [...pathOf(state, container), 0]);
    }
    const options = field ? valuesOf(field).map(valueOption) : [];
    return options.length ? { from, to, options, validFor: /^"?[\w$.-]*"?$/ } : null;
  };
}

/** The object or array the position is directly in. */
function enclosingContainer(state: Parameters<typeof enclosing>[0], pos: number) {
  const object = enclosing(state, pos, 'Object');
  const array = enclosing(state, pos, 'Array');
  if (!object) return array;
  if (!array) return object;
  return object.from > array.from ? object : array;
}
