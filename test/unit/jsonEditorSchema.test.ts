// The JSON editor's schema support without a browser, against sandbox/image's real input schema (as
// the client reads it, refs inlined): diagnostics land on the range of the value or key at their
// JSON path (through anyOf, nested objects and arrays), and completion offers the names and values
// the schema declares at the cursor.
import * as assert from 'node:assert/strict';
import { CompletionContext } from '@codemirror/autocomplete';
import { json } from '@codemirror/lang-json';
import { EditorState } from '@codemirror/state';
import type { InputSchema } from '../../src/common/playgroundProtocol';
import { schemaCompletion } from '../../src/webview/schemaCompletion';
import { schemaDiagnostics } from '../../src/webview/schemaLint';
import { nodeAt, pointerPath } from '../../src/webview/jsonSchemaPaths';
import { IMAGE_SIZES } from '../../src/sandbox/endpoints/image';
import { useSandboxClient } from './clientSandbox';

const stateOf = (doc: string) => EditorState.create({ doc, extensions: [json()] });

/** Each diagnostic as "severity text-it-covers: message". */
function diagnose(doc: string, schema: InputSchema): string[] {
  const state = stateOf(doc);
  return schemaDiagnostics(state, schema).map(
    (d) => `${d.severity} ${state.sliceDoc(d.from, d.to)}: ${d.message}`,
  );
}

/** The labels completion offers with the cursor at `|`. */
function complete(doc: string, schema: InputSchema, explicit = false): string[] {
  const pos = doc.indexOf('|');
  const state = stateOf(doc.replace('|', ''));
  const result = schemaCompletion(() => schema)(new CompletionContext(state, pos, explicit));
  return (result?.options ?? []).map((o) => o.label);
}

describe('playground JSON editor: schema lint and completion', () => {
  const h = useSandboxClient();
  let image: InputSchema;

  before(async () => {
    image = (await h.client.schema('sandbox/image')).input;
  });

  it('puts each error on its value, a missing field on the brace, an undeclared key (warning) on the key', () => {
    assert.deepEqual(diagnose('{\n  "num_images": 9,\n  "seed": "x",\n  "colour": 1\n}', image), [
      'error {: Missing required property "prompt".',
      'error 9: 9 is greater than 4.',
      'error "x": Value type "string" is invalid. Expected "integer".',
      'warning "colour": Unknown property "colour": the schema does not list it.',
    ]);
  });

  it('says an anyOf value fits none once, without the errors of each branch, and reaches into a branch', () => {
    const wrong = diagnose('{"prompt": "a", "image_size": "huge"}', image);
    assert.equal(wrong.length, 1, wrong.join('\n'));
    assert.match(wrong[0]!, /^error "huge": /);
    assert.deepEqual(diagnose('{"prompt": "a", "image_size": {"width": 64, "height": 64}}', image), []);
  });

  it('finds paths through arrays and escaped pointers; bad JSON is left to the parse check', () => {
    const state = stateOf('{"a/b": [1, {"c~d": true}]}');
    const found = nodeAt(state, pointerPath('#/a~1b/1/c~0d'));
    assert.equal(found && state.sliceDoc(found.value.from, found.value.to), 'true');
    assert.equal(found?.name && state.sliceDoc(found.name.from, found.name.to), '"c~d"');
    assert.deepEqual(diagnose('{"prompt": ', image), []);
  });

  it('offers the property names not yet in the object, and the values a field allows', () => {
    const names = complete('{"prompt": "a", "|}', image);
    assert.ok(names.includes('"num_images"') && names.includes('"image_size"'), names.join());
    assert.ok(!names.includes('"prompt"'), 'a key already there is not offered');
    const sizes = complete('{"image_size": |}', image, true);
    assert.deepEqual(
      sizes,
      Object.keys(IMAGE_SIZES).map((k) => JSON.stringify(k)),
    );
    assert.deepEqual(complete('{"image_size": {"|}}', image).sort(), ['"height"', '"width"']);
  });
});
