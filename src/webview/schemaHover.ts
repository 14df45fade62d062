// The hover over a field's key in the JSON input: what the endpoint's input schema says of it (type,
// description, default, allowed values, range). All of it is server text, put in with textContent.
import { hoverTooltip } from '@codemirror/view';
import {
  enclosing,
  pathOf,
  propertyName,
  schemaAt,
  typeOf,
  valuesOf,
  type JsonSchema,
} from './jsonSchemaPaths';
import { textNode } from './schemaCompletion';

/** The lines a hover shows for a field's schema. */
export function describeField(name: string, field: JsonSchema): string[] {
  const lines = [typeOf(field) ? `${name}: ${typeOf(field)}` : name];
  if (typeof field.description === 'string') lines.push(field.description);
  if ('default' in field) lines.push(`Default: ${JSON.stringify(field.default)}`);
  const values = valuesOf(field);
  if (values.length && field.type !== 'boolean')
    lines.push(`One of: ${values.map((v) => JSON.stringify(v)).join(', ')}`);
  const range = [
    typeof field.minimum === 'number' ? `≥ ${field.minimum}` : '',
    typeof field.maximum === 'number' ? `≤ ${field.maximum}` : '',
  ].filter(Boolean);
  if (range.length) lines.push(`Range: ${range.join(', ')}`);
  return lines;
}

export function schemaHover(schemaOf: () => JsonSchema | undefined) {
  return hoverTooltip((view, pos) => {
    const schema = schemaOf();
    if (!schema) return null;
    const property = enclosing(view.state, pos, 'Property');
    const nameNode = property?.getChild('PropertyName');
    const object = property?.parent;
    // Over the key only: a value's own hover (if it is an object) is its keys'.
    if (!property || !nameNode || !object || pos < nameNode.from || pos > nameNode.to) return null;
    const name = propertyName(view.state, nameNode);
    const field = schemaAt(schema, [...pathOf(view.state, object), name]);
    if (!field) return null;
    return {
      pos: nameNode.from,
      end: nameNode.to,
      above: true,
      create: () => {
        const dom = document.createElement('div');
        dom.className = 'cm-schema-hover';
        for (const [i, line] of describeField(name, field).entries())
          dom.append(textNode(line, i === 0 ? 'cm-schema-hover-title' : 'cm-schema-hover-line'));
        return { dom };
      },
    };
  });
}
