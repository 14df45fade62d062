// The form model's rules on small schemas written as fal's SDK writes them: the long-text rule,
// hidden fields (`ui: {hidden: true}`) skipped, pydantic's Optional and single allOf folded, a union
// the form cannot draw as a JSON box; and its value operations, which keep keys the form does not
// know, and leave a value that does not fit its field for that field's JSON box.
import * as assert from 'node:assert/strict';
import {
  defaultsOf,
  exampleOf,
  formFields,
  getField,
  isLongText,
  misfits,
  setField,
  unknownKeys,
  valueFits,
  type FormField,
} from '../../src/common/schemaForm';

const field = (fields: readonly FormField[], name: string) => fields.find((f) => f.name === name)!;

describe('schemaForm: fields', () => {
  it('applies the long-text rule: a prompt name, maxLength 200 or more, or a description about text', () => {
    assert.equal(isLongText('negative_prompt', { type: 'string', maxLength: 20 }), true);
    assert.equal(isLongText('system_prompt', { type: 'string' }), true);
    assert.equal(isLongText('notes', { type: 'string', maxLength: 200 }), true);
    assert.equal(isLongText('notes', { type: 'string', maxLength: 199, description: 'Text.' }), false);
    assert.equal(isLongText('lyrics', { type: 'string', description: 'The lyrics of the song.' }), true);
    assert.equal(isLongText('voice', { type: 'string', description: 'The voice to use.' }), false);
    assert.equal(isLongText('link', { type: 'string', format: 'uri', description: 'Some text.' }), false);
    assert.equal(isLongText('promptness', { type: 'string' }), false, 'the word, not a substring');
  });

  it("skips fields fal's SDK hides, and folds Optional, allOf and $defs", () => {
    const fields = formFields({
      type: 'object',
      properties: {
        debug: { type: 'boolean', default: false, ui: { hidden: true } },
        seed: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }], title: 'Seed' },
        size: { allOf: [{ type: 'object', properties: { w: { type: 'integer' } } }], description: 'S' },
        node: { $ref: '#/$defs/Node' },
        mixed: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
        photo: { type: 'string', ui: { field: 'image' } },
        mask_url: { type: 'string' },
        doc_url: { type: 'string' },
        image_urls: { type: 'array', items: { type: 'string' } },
        anything: {},
      },
      'x-fal-order-properties': ['seed', 'debug', 'size'],
      $defs: { Node: { type: 'object', properties: { name: { type: 'string' } } } },
    });
    assert.deepEqual(
      fields.map((f) => `${f.name}:${f.kind}${f.media ? `/${f.media}` : ''}`),
      [
        'seed:integer',
        'size:object',
        'node:object',
        'mixed:json',
        'photo:media/image',
        'mask_url:media/image',
        'doc_url:media/file',
        'image_urls:stringArray/image',
        'anything:json',
      ],
    );
    assert.equal(field(fields, 'seed').nullable, true);
    assert.equal(field(fields, 'seed').minimum, 0);
    assert.equal(field(fields, 'size').description, 'S');
    assert.deepEqual(field(fields, 'size').fields![0].path, ['size', 'w']);
    assert.equal(field(fields, 'seed').label, 'Seed');
    assert.equal(field(fields, 'mask_url').label, 'Mask url');
  });

  it('reads OpenAPI 3.0 exclusive bounds and JSON Schema numeric ones', () => {
    const fields = formFields({
      type: 'object',
      properties: {
        a: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1 },
        b: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 2 },
      },
    });
    const a = field(fields, 'a');
    const b = field(fields, 'b');
    assert.deepEqual(
      [a.minimum, a.exclusiveMinimum, a.maximum, a.exclusiveMaximum, a.slider],
      [0, true, 1, undefined, true],
    );
    assert.deepEqual([b.minimum, b.exclusiveMinimum, b.maximum, b.exclusiveMaximum], [0, true, 2, true]);
  });
});

describe('schemaForm: values', () => {
  const schema = {
    type: 'object',
    properties: {
      steps: { type: 'integer', default: 4, minimum: 1, maximum: 8 },
      prompt: { type: 'string' },
      loras: {
        type: 'array',
        items: { type: 'object', properties: { path: { type: 'string' }, scale: { type: 'number' } } },
      },
      style: { type: 'object', properties: { tone: { type: 'string', default: 'warm' } } },
      secret: { type: 'boolean', default: false, ui: { hidden: true } },
    },
  };

  it('sets and gets at a path without touching anything else, creating missing steps', () => {
    const value = { prompt: 'p', unknown: { deep: [1, 2] }, loras: [{ path: 'a', scale: 1, extra: 'x' }] };
    const next = setField(value, ['loras', 0, 'scale'], 0.5);
    assert.deepEqual(next, {
      prompt: 'p',
      unknown: { deep: [1, 2] },
      loras: [{ path: 'a', scale: 0.5, extra: 'x' }],
    });
    assert.equal(value.loras[0].scale, 1, 'the old value is unchanged');
    assert.equal((next as typeof value).unknown, value.unknown, 'untouched parts are shared');
    assert.equal(getField(next, ['loras', 0, 'scale']), 0.5);
    assert.equal(getField(next, ['loras', 3, 'scale']), undefined);
    assert.equal(getField(next, ['prompt', 'x']), undefined);
    assert.deepEqual(setField({}, ['loras', 1, 'path'], 'b'), { loras: [null, { path: 'b' }] });
    assert.deepEqual(setField(value, ['prompt'], undefined), { unknown: value.unknown, loras: value.loras });
    assert.deepEqual(setField({ loras: ['a', 'b', 'c'] }, ['loras', 1], undefined), { loras: ['a', 'c'] });
  });

  it('resets to defaults keeping unknown keys and hidden fields', () => {
    assert.deepEqual(defaultsOf(schema, { steps: 7, prompt: 'p', mine: 1, secret: true, loras: [] }), {
      steps: 4,
      mine: 1,
      secret: true,
      style: { tone: 'warm' },
    });
  });

  it("makes an example from the schema's own example, else fields' examples and defaults, keeping unknown keys", () => {
    assert.deepEqual(exampleOf(schema, { current: { mine: 1, steps: 2, secret: true } }), {
      mine: 1,
      secret: true,
      steps: 4,
      style: { tone: 'warm' },
    });
    const withOwn = { ...schema, examples: [{ prompt: 'own', steps: 2 }] };
    assert.deepEqual(exampleOf(withOwn, { current: { mine: 1, prompt: 'x' } }), {
      mine: 1,
      prompt: 'own',
      steps: 2,
    });
    const required = { ...schema, required: ['prompt', 'loras'] };
    assert.deepEqual(exampleOf(required, { requiredOnly: true }), { prompt: '', loras: [] });
  });

  it('leaves a value that does not fit its field for its JSON box, and names unknown keys', () => {
    const fields = formFields(schema);
    const value = { steps: 'four', prompt: 'ok', loras: [{ path: 3 }], style: { tone: ['x'] }, mine: 1 };
    assert.equal(valueFits(field(fields, 'steps'), 'four'), false);
    assert.equal(valueFits(field(fields, 'steps'), 2.5), false);
    assert.equal(valueFits(field(fields, 'steps'), 3), true);
    assert.equal(valueFits(field(fields, 'prompt'), undefined), true);
    assert.deepEqual(misfits(fields, value), [['steps'], ['loras'], ['style', 'tone']]);
    assert.deepEqual(unknownKeys(fields, value), ['mine']);
    // An edit elsewhere keeps the misfit as it was, for its JSON box.
    const edited = setField(value, ['prompt'], 'new');
    assert.equal(getField(edited, ['steps']), 'four');
    assert.deepEqual(getField(edited, ['loras']), [{ path: 3 }]);
  });
});
