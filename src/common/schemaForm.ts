// The playground's form, as data: from an endpoint's input JSON Schema (`$ref`s inlined, as
// src/fal/schema.ts gives it), the fields to draw in `x-fal-order-properties` order with the kind
// of control each takes, and the value operations the form needs (defaults, example, get and set
// at a path, what part of a value a field can show). Every operation keeps keys the form does not
// know. Pure: neither `vscode` nor Node, so the page and the host share it.

/** A JSON Schema fragment as fal's OpenAPI documents write them. */
export type JsonSchema = Record<string, unknown>;

/** A place in a JSON value: object keys and array indexes, e.g. `['loras', 0, 'scale']`. */
export type FieldPath = readonly (string | number)[];

export type MediaKind = 'image' | 'audio' | 'video' | 'file';

export type FieldKind =
  /** One-line text. */
  | 'text'
  /** Multi-line text (see `isLongText`). */
  | 'longText'
  | 'integer'
  | 'number'
  /** A select of `enumValues`. */
  | 'enum'
  | 'boolean'
  /** `anyOf` of an enum and an object (fal's `image_size`): a preset of `enumValues`, or `fields`. */
  | 'enumOrObject'
  | 'stringArray'
  /** Rows of `fields` (paths relative to one row), e.g. a LoRA list. */
  | 'objectArray'
  /** A nested object whose `fields` have paths from the root. */
  | 'object'
  /** A URL of a file (upload, drop, paste); `media` says which kind. */
  | 'media'
  /** Anything else: a small JSON box for this field alone. */
  | 'json';

export interface FormField {
  /** The property name. */
  readonly name: string;
  /**
   * Where its value is: from the root of the input for top-level and nested-object fields; for the
   * fields of an `objectArray` row or of an `enumOrObject`'s object, from that row or that object.
   */
  readonly path: FieldPath;
  readonly kind: FieldKind;
  /** The schema's `title`, else the name in words ("num_images" → "Num images"). */
  readonly label: string;
  /** The schema's description, as plain text (render it as text, never as HTML). */
  readonly description?: string;
  readonly required: boolean;
  /** Whether the schema gives a default (`default` may itself be `null`). */
  readonly hasDefault: boolean;
  readonly default?: unknown;
  /** Whether `null` is allowed (pydantic's `Optional[X]`: `anyOf: [X, {type: 'null'}]`). */
  readonly nullable: boolean;
  /** `enum`: the choices; `enumOrObject`: the presets. */
  readonly enumValues?: readonly unknown[];
  /** Bounds of a number or integer (inclusive unless the `exclusive…` flag says otherwise). */
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: boolean;
  readonly exclusiveMaximum?: boolean;
  /** A slider with a number box: both bounds are known. */
  readonly slider?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** `media`: which kind of file; `stringArray`: set when its items are file URLs (`image_urls`). */
  readonly media?: MediaKind;
  /** `object`, `objectArray` (one row), `enumOrObject` (the object alternative). */
  readonly fields?: readonly FormField[];
  /** The field's schema (nullable and single `allOf` folded), for its JSON box and validation. */
  readonly schema: JsonSchema;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `x-fal-order-properties` first, then any other property in declaration order. */
export function fieldOrder(schema: JsonSchema): string[] {
  const props = isRecord(schema.properties) ? Object.keys(schema.properties) : [];
  const declared = Array.isArray(schema['x-fal-order-properties'])
    ? (schema['x-fal-order-properties'] as unknown[]).filter((p): p is string => typeof p === 'string')
    : [];
  const ordered = declared.filter((p) => props.length === 0 || props.includes(p));
  return [...ordered, ...props.filter((p) => !ordered.includes(p))];
}

/**
 * Whether fal's playground hides a field. fal's SDK marks it `ui: {hidden: true}`: `Hidden(Field(...))`
 * and a model's `SCHEMA_IGNORES` both end in `properties[name].setdefault("ui", {})["hidden"] = True`
 * (fal-ai/fal, projects/fal/src/fal/toolkit/pydantic.py, `_apply_schema_modifications`, at commit
 * c6f0afaaceec981d2461474a81467552adb0b084). Hidden fields are API-only: the form skips them and
 * keeps their values as unknown keys.
 */
export function isHidden(schema: JsonSchema): boolean {
  return isRecord(schema.ui) && schema.ui.hidden === true;
}

/** fal's `ui.field` hint (`ImageField`, `AudioField`, `VideoField`, `FileField` in fal's toolkit). */
function uiFieldHint(schema: JsonSchema): MediaKind | undefined {
  const hint = isRecord(schema.ui) ? schema.ui.field : schema['x-fal-ui-field'];
  return hint === 'image' || hint === 'audio' || hint === 'video' || hint === 'file' ? hint : undefined;
}

/** The kind of media a name (`image_url`, `mask_url`, `audio_url`…) or a content type suggests. */
function mediaFromName(name: string, schema: JsonSchema): MediaKind {
  const type = typeof schema.contentMediaType === 'string' ? schema.contentMediaType : '';
  const text = `${type} ${name}`.toLowerCase();
  if (/image|mask|photo|picture/.test(text)) return 'image';
  if (/audio|voice|speech|sound|music/.test(text)) return 'audio';
  if (/video/.test(text)) return 'video';
  return 'file';
}

/** Words in a description that say a field is free text to write. */
const TEXT_WORDS = /\b(text|prompt|caption|lyrics|script|transcript|instructions?|story|message)\b/i;

/**
 * The long-text rule: a string field is multi-line when (1) its name has the word `prompt` in it
 * (`prompt`, `negative_prompt`, `system_prompt`), or (2) its `maxLength` is 200 or more, or (3) it
 * has no `maxLength`, no `format` (URIs, dates…) and its description speaks of text (one of
 * TEXT_WORDS). Otherwise it is one line.
 */
export function isLongText(name: string, schema: JsonSchema): boolean {
  if (
    name
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .includes('prompt')
  )
    return true;
  if (typeof schema.maxLength === 'number') return schema.maxLength >= 200;
  if (typeof schema.format === 'string') return false;
  return typeof schema.description === 'string' && TEXT_WORDS.test(schema.description);
}

/** "num_inference_steps" → "Num inference steps". */
function words(name: string): string {
  const spaced = name.replace(/[_-]+/g, ' ').trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function typeOf(schema: JsonSchema): string | undefined {
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null') as string | undefined;
  return undefined;
}

/** How deep nested objects and rows go before a field becomes a JSON box. */
const MAX_DEPTH = 4;

/**
 * A field's schema with what does not change its control folded away: a `#/$defs/` reference
 * (recursive types) resolved once, a single `allOf` merged, and a `null` alternative of `anyOf`
 * (pydantic's Optional) taken out into `nullable`.
 */
function normalise(raw: JsonSchema, root: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  let schema = raw;
  let nullable = false;
  for (let i = 0; i < 3; i++) {
    if (typeof schema.$ref === 'string' && schema.$ref.startsWith('#/$defs/') && isRecord(root.$defs)) {
      const target = root.$defs[schema.$ref.slice('#/$defs/'.length)];
      const { $ref: _ref, ...rest } = schema;
      if (isRecord(target)) schema = { ...target, ...rest };
      else break;
    } else if (Array.isArray(schema.allOf) && schema.allOf.length === 1 && isRecord(schema.allOf[0])) {
      const { allOf: _allOf, ...rest } = schema;
      schema = { ...schema.allOf[0], ...rest };
    } else if (Array.isArray(schema.anyOf) && schema.anyOf.some(isNullSchema)) {
      nullable = true;
      const { anyOf, ...rest } = schema;
      const others = (anyOf as unknown[]).filter((a) => !isNullSchema(a));
      schema =
        others.length === 1 && isRecord(others[0]) ? { ...others[0], ...rest } : { ...rest, anyOf: others };
    } else break;
  }
  if (Array.isArray(schema.type) && schema.type.includes('null')) nullable = true;
  if (Array.isArray(schema.enum) && schema.enum.includes(null)) nullable = true;
  return { schema, nullable };
}

function isNullSchema(s: unknown): boolean {
  return isRecord(s) && s.type === 'null';
}

const isPrimitive = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** The fields of an object schema to draw, in fal's order, hidden ones skipped. */
export function formFields(schema: JsonSchema, root: JsonSchema = schema, base: FieldPath = []): FormField[] {
  return objectFields(schema, root, base, 0);
}

function objectFields(schema: JsonSchema, root: JsonSchema, base: FieldPath, depth: number): FormField[] {
  const props = isRecord(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const fields: FormField[] = [];
  for (const name of fieldOrder(schema)) {
    const prop = props[name];
    if (!isRecord(prop) || isHidden(prop)) continue;
    fields.push(describeField(name, prop, required.has(name), root, [...base, name], depth));
  }
  return fields;
}

function describeField(
  name: string,
  raw: JsonSchema,
  required: boolean,
  root: JsonSchema,
  path: FieldPath,
  depth: number,
): FormField {
  const { schema, nullable } = normalise(raw, root);
  const common = {
    name,
    path,
    label: typeof schema.title === 'string' && schema.title.trim() ? schema.title : words(name),
    description: typeof schema.description === 'string' ? schema.description : undefined,
    required,
    hasDefault: 'default' in schema,
    default: schema.default,
    nullable,
    schema,
  };
  const kind = (k: FieldKind, more: Partial<FormField> = {}): FormField => ({ ...common, kind: k, ...more });
  const type = typeOf(schema);
  const hint = uiFieldHint(schema);

  if (type === 'string' && (hint || /_url$/.test(name) || schema['x-fal-file-input'] === true)) {
    return kind('media', { media: hint ?? mediaFromName(name, schema) });
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    const values = schema.enum.filter((v) => v !== null);
    return values.every(isPrimitive) ? kind('enum', { enumValues: values }) : kind('json');
  }
  if (Array.isArray(schema.anyOf)) return unionField(schema, root, depth, kind);
  switch (type) {
    case 'string':
      return kind(isLongText(name, schema) ? 'longText' : 'text', {
        minLength: typeof schema.minLength === 'number' ? schema.minLength : undefined,
        maxLength: typeof schema.maxLength === 'number' ? schema.maxLength : undefined,
      });
    case 'integer':
    case 'number':
      return kind(type, bounds(schema));
    case 'boolean':
      return kind('boolean');
    case 'array': {
      const items = isRecord(schema.items) ? normalise(schema.items, root).schema : undefined;
      if (!items) return kind('json');
      if (typeOf(items) === 'string' && !Array.isArray(items.enum)) {
        const media = uiFieldHint(items) ?? (/_urls$/.test(name) ? mediaFromName(name, items) : undefined);
        return kind('stringArray', { media });
      }
      if (typeOf(items) === 'object' && isRecord(items.properties) && depth < MAX_DEPTH) {
        return kind('objectArray', { fields: objectFields(items, root, [], depth + 1) });
      }
      return kind('json');
    }
    case 'object':
      if (isRecord(schema.properties) && depth < MAX_DEPTH) {
        return kind('object', {
          fields: objectFields(schema, root, path, depth + 1),
          media: hint,
        });
      }
      return kind('json');
    default:
      return kind('json');
  }
}

/** `anyOf` of one enum and one object (a preset or its own fields) is drawn; any other is JSON. */
function unionField(
  schema: JsonSchema,
  root: JsonSchema,
  depth: number,
  kind: (k: FieldKind, more?: Partial<FormField>) => FormField,
): FormField {
  const alternatives = (schema.anyOf as unknown[]).filter(isRecord).map((a) => normalise(a, root).schema);
  const enums = alternatives.filter((a) => Array.isArray(a.enum));
  const objects = alternatives.filter(
    (a) => (typeOf(a) ?? 'object') === 'object' && isRecord(a.properties) && !Array.isArray(a.enum),
  );
  if (alternatives.length === 2 && enums.length === 1 && objects.length === 1 && depth < MAX_DEPTH) {
    const presets = (enums[0].enum as unknown[]).filter((v) => v !== null);
    if (presets.every(isPrimitive)) {
      return kind('enumOrObject', {
        enumValues: presets,
        fields: objectFields(objects[0], root, [], depth + 1),
      });
    }
  }
  return kind('json');
}

function bounds(schema: JsonSchema): Partial<FormField> {
  const number = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  // OpenAPI 3.0 writes exclusive bounds as flags beside minimum/maximum; JSON Schema 2019+ as numbers.
  const minimum = number(schema.minimum) ?? number(schema.exclusiveMinimum);
  const maximum = number(schema.maximum) ?? number(schema.exclusiveMaximum);
  const exclusiveMinimum =
    schema.exclusiveMinimum === true ||
    (number(schema.minimum) === undefined && number(schema.exclusiveMinimum) !== undefined);
  const exclusiveMaximum =
    schema.exclusiveMaximum === true ||
    (number(schema.maximum) === undefined && number(schema.exclusiveMaximum) !== undefined);
  return {
    minimum,
    maximum,
    exclusiveMinimum: exclusiveMinimum || undefined,
    exclusiveMaximum: exclusiveMaximum || undefined,
    slider: minimum !== undefined && maximum !== undefined,
  };
}

// ---- Values ----

/** The value at `path`, or undefined when any step is missing. */
export function getField(value: unknown, path: FieldPath): unknown {
  let current = value;
  for (const key of path) {
    if (typeof key === 'number' ? !Array.isArray(current) : !isRecord(current)) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/**
 * A copy of `value` with `fieldValue` at `path` (undefined removes the key; an array element set to
 * undefined is removed from the array). Steps that are missing, or of the wrong shape, are created:
 * an object for a name, an array for an index (a gap before the index filled with null). Everything
 * else, unknown keys too, is kept, and parts not on the path are shared, not copied.
 */
export function setField(value: unknown, path: FieldPath, fieldValue: unknown): unknown {
  if (path.length === 0) return fieldValue;
  const [key, ...rest] = path;
  if (typeof key === 'number') {
    const array = Array.isArray(value) ? [...(value as unknown[])] : [];
    const next = setField(array[key], rest, fieldValue);
    if (next === undefined && rest.length === 0) array.splice(key, 1);
    else {
      while (array.length < key) array.push(null);
      array[key] = next;
    }
    return array;
  }
  const object: Record<string, unknown> = isRecord(value) ? { ...value } : {};
  const next = setField(object[key], rest, fieldValue);
  if (next === undefined) delete object[key];
  else object[key] = next;
  return object;
}

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/**
 * Reset to defaults: `current` with every field the form draws set to its default, or removed when
 * it has none (a nested object without a default of its own takes its fields' defaults). Keys the
 * form does not draw (unknown ones, hidden fields) are kept as they were.
 */
export function defaultsOf(
  schema: JsonSchema,
  current: Record<string, unknown> = {},
): Record<string, unknown> {
  return refill(formFields(schema), current, (field) =>
    field.hasDefault ? clone(field.default) : undefined,
  );
}

/**
 * An example input: the schema's own `examples[0]` / `example` when it is an object; else every
 * field with an example (`examples[0]`, `example`) or a default takes it (a nested object without
 * one takes its fields'), and every required field without one takes an empty value of its type.
 * With `requiredOnly`, only required fields are set. Hidden fields are left out; keys of `current`
 * the form does not draw are kept.
 */
export function exampleOf(
  schema: JsonSchema,
  options: { requiredOnly?: boolean; current?: Record<string, unknown> } = {},
): Record<string, unknown> {
  const fields = formFields(schema);
  const current = options.current ?? {};
  const own = Array.isArray(schema.examples) ? schema.examples[0] : schema.example;
  if (isRecord(own) && !options.requiredOnly)
    return { ...refill(fields, current, () => undefined), ...clone(own) };
  return refill(fields, current, (field) =>
    options.requiredOnly && !field.required ? undefined : sampleOf(field.schema, field.required),
  );
}

/**
 * `current` with each field's value replaced by `pick(field)` (removed when that is undefined), a
 * nested object that picks nothing refilled from its own fields; keys no field names are kept.
 */
function refill(
  fields: readonly FormField[],
  current: Record<string, unknown>,
  pick: (field: FormField) => unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...current };
  for (const field of fields) {
    let value = pick(field);
    if (value === undefined && field.kind === 'object' && field.fields) {
      const inner = current[field.name];
      const nested = refill(field.fields, isRecord(inner) ? inner : {}, pick);
      value = Object.keys(nested).length > 0 ? nested : undefined;
    }
    if (value === undefined) delete out[field.name];
    else out[field.name] = value;
  }
  return out;
}

/**
 * A field's example, else its default; for a required field, else its first enum value, else an
 * empty value of its type (a number's minimum). Undefined for an optional field with neither.
 */
export function sampleOf(field: JsonSchema, required = true): unknown {
  if (Array.isArray(field.examples) && field.examples.length > 0) return clone(field.examples[0]);
  if ('example' in field) return clone(field.example);
  if ('default' in field) return clone(field.default);
  if (!required) return undefined;
  if (Array.isArray(field.enum) && field.enum.length > 0) return field.enum[0];
  switch (typeOf(field)) {
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

/**
 * Whether a field's control can show `value` (undefined, and null for a nullable field, always
 * can). A value that does not fit goes in that field's JSON box instead, so it is never lost.
 */
export function valueFits(field: FormField, value: unknown): boolean {
  if (value === undefined || (value === null && field.nullable)) return true;
  switch (field.kind) {
    case 'text':
    case 'longText':
    case 'media':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'enum':
      return (field.enumValues ?? []).includes(value);
    case 'enumOrObject':
      return (
        (field.enumValues ?? []).includes(value) || (isRecord(value) && fitsAll(field.fields ?? [], value))
      );
    case 'stringArray':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'objectArray':
      return Array.isArray(value) && value.every((row) => isRecord(row) && fitsAll(field.fields ?? [], row));
    case 'object':
      return isRecord(value);
    case 'json':
      return true;
  }
}

/** Whether every field of a row or object (paths relative to it) can show its part of `value`. */
function fitsAll(fields: readonly FormField[], value: Record<string, unknown>): boolean {
  return fields.every((f) => valueFits(f, value[f.name]));
}

/** Keys of an object value that none of `fields` draws: the form keeps them and shows them as JSON. */
export function unknownKeys(fields: readonly FormField[], value: unknown): string[] {
  if (!isRecord(value)) return [];
  const known = new Set(fields.map((f) => f.name));
  return Object.keys(value).filter((k) => !known.has(k));
}

/** The paths (from the root) of values that their fields cannot show, nested objects searched too. */
export function misfits(fields: readonly FormField[], value: unknown): FieldPath[] {
  const found: FieldPath[] = [];
  for (const field of fields) {
    const v = getField(value, field.path);
    if (!valueFits(field, v)) found.push(field.path);
    else if (field.kind === 'object' && field.fields && v !== undefined && v !== null) {
      found.push(...misfits(field.fields, value));
    }
  }
  return found;
}
