// Where a JSON path is in the editor's document and what the input schema says about it: the one
// piece the lint, the completion and the hover share. Paths go both ways over lang-json's syntax
// tree (a validator's instance path → the range of that value or key; a cursor position → the path
// of the object or property around it), and a path leads to its sub-schema (properties, items,
// the branches of anyOf/oneOf/allOf). Schemas are plain data from the endpoint's server.
import type { EditorState } from '@codemirror/state';
import { ensureSyntaxTree, syntaxTree } from '@codemirror/language';
import type { SyntaxNode } from '@lezer/common';
import type { InputSchema } from '../common/playgroundProtocol';

export type JsonSchema = InputSchema;
export type JsonPath = ReadonlyArray<string | number>;

const VALUE_NODES = new Set(['Object', 'Array', 'String', 'Number', 'True', 'False', 'Null']);

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

/** A property's name as the document spells it, unquoted ("" when it does not parse). */
export function propertyName(state: EditorState, nameNode: SyntaxNode): string {
  const text = state.sliceDoc(nameNode.from, nameNode.to);
  try {
    return String(JSON.parse(text));
  } catch {
    return text.replace(/^"|"$/g, '');
  }
}

/** The value of a Property node (undefined while it is half-typed). */
function propertyValue(property: SyntaxNode): SyntaxNode | undefined {
  return children(property).find((c) => VALUE_NODES.has(c.name));
}

/** The document's whole syntax tree: parsed to its end if it was not yet (within a moment), else as far as it is. */
function treeOf(state: EditorState) {
  return ensureSyntaxTree(state, state.doc.length, 200) ?? syntaxTree(state);
}

/** The top-level value of the document. */
function rootValue(state: EditorState): SyntaxNode | undefined {
  return children(treeOf(state).topNode).find((c) => VALUE_NODES.has(c.name));
}

/** The node of the value at `path` and, when the last step is a property, its name node. */
export function nodeAt(
  state: EditorState,
  path: JsonPath,
): { value: SyntaxNode; name?: SyntaxNode } | undefined {
  let value = rootValue(state);
  let name: SyntaxNode | undefined;
  for (const step of path) {
    if (!value) return undefined;
    if (value.name === 'Object') {
      const property = children(value).find((p) => {
        const n = p.name === 'Property' ? p.getChild('PropertyName') : null;
        return n !== null && propertyName(state, n) === String(step);
      });
      if (!property) return undefined;
      name = property.getChild('PropertyName') ?? undefined;
      value = propertyValue(property);
    } else if (value.name === 'Array') {
      value = children(value).filter((c) => VALUE_NODES.has(c.name))[Number(step)];
      name = undefined;
    } else return undefined;
  }
  return value ? { value, name } : undefined;
}

/** A JSON Pointer ("#/a/0/b~1c", as validators report instance locations) as a path. */
export function pointerPath(pointer: string): JsonPath {
  const bare = pointer.replace(/^#/, '');
  if (bare === '') return [];
  return bare
    .split('/')
    .slice(1)
    .map((s) => {
      let step = s;
      try {
        step = decodeURIComponent(s);
      } catch {
        // Not percent-encoded: taken as it is.
      }
      return step.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/** The path of a value node: each enclosing property's name and array index, outermost first. */
export function pathOf(state: EditorState, node: SyntaxNode): JsonPath {
  const path: Array<string | number> = [];
  let current: SyntaxNode | null = node;
  while (current?.parent) {
    const parent: SyntaxNode = current.parent;
    if (parent.name === 'Property' && current.name !== 'PropertyName') {
      const n = parent.getChild('PropertyName');
      if (n) path.unshift(propertyName(state, n));
    } else if (parent.name === 'Array' && VALUE_NODES.has(current.name)) {
      const at = current.from;
      path.unshift(children(parent).filter((c) => VALUE_NODES.has(c.name) && c.from < at).length);
    }
    current = parent;
  }
  return path;
}

/** The innermost node of `name` around `pos` (the node ending at pos included). */
export function enclosing(state: EditorState, pos: number, name: string): SyntaxNode | undefined {
  for (let node: SyntaxNode | null = treeOf(state).resolveInner(pos, -1); node; node = node.parent) {
    if (node.name === name) return node;
  }
  return undefined;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema and the branches it is made of (anyOf/oneOf/allOf), the schema itself first. */
export function branches(schema: JsonSchema): JsonSchema[] {
  const out = [schema];
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const list = schema[key];
    if (Array.isArray(list)) for (const s of list) if (isSchema(s)) out.push(...branches(s));
  }
  return out;
}

/** The properties a schema (or any of its branches) declares. */
export function propertiesOf(schema: JsonSchema): Map<string, JsonSchema> {
  const out = new Map<string, JsonSchema>();
  for (const branch of branches(schema)) {
    const properties = branch.properties;
    if (!isSchema(properties)) continue;
    for (const [name, s] of Object.entries(properties)) if (isSchema(s) && !out.has(name)) out.set(name, s);
  }
  return out;
}

/** The sub-schema for the value at `path`, or undefined when the schema says nothing of it. */
export function schemaAt(schema: JsonSchema | undefined, path: JsonPath): JsonSchema | undefined {
  let current = schema;
  for (const step of path) {
    if (!current) return undefined;
    let next: JsonSchema | undefined;
    for (const branch of branches(current)) {
      if (typeof step === 'number') {
        const prefix = branch.prefixItems;
        const items = Array.isArray(prefix) && isSchema(prefix[step]) ? prefix[step] : branch.items;
        if (isSchema(items)) next = items;
      } else {
        const properties = branch.properties;
        if (isSchema(properties) && isSchema(properties[step])) next = properties[step];
        else if (isSchema(branch.additionalProperties)) next = branch.additionalProperties;
      }
      if (next) break;
    }
    current = next;
  }
  return current;
}

/** The values a schema allows outright (enum, const, booleans), from every branch. */
export function valuesOf(schema: JsonSchema): unknown[] {
  const out: unknown[] = [];
  for (const branch of branches(schema)) {
    if (Array.isArray(branch.enum)) out.push(...(branch.enum as unknown[]));
    if ('const' in branch) out.push(branch.const);
    if (branch.type === 'boolean') out.push(true, false);
  }
  return [...new Map(out.map((v) => [JSON.stringify(v), v])).values()];
}

/** A field's type for display ("string", "integer | null"), or undefined. */
export function typeOf(schema: JsonSchema): string | undefined {
  const types = branches(schema).flatMap((b) =>
    typeof b.type === 'string' ? [b.type] : Array.isArray(b.type) ? (b.type as string[]) : [],
  );
  return types.length ? [...new Set(types)].join(' | ') : undefined;
}
