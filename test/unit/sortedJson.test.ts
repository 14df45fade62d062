// Compare Outputs / Compare Inputs print both sides with sorted keys (src/common/sortedJson.ts), so
// two values that differ only in key order print the same.
import * as assert from 'node:assert/strict';
import { sortedJson, sortKeysDeep } from '../../src/common/sortedJson';

describe('sortedJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    const value = { b: 1, a: { z: [3, { y: 1, x: 2 }, 1], c: null } };
    assert.equal(
      sortedJson(value),
      '{\n  "a": {\n    "c": null,\n    "z": [\n      3,\n      {\n        "x": 2,\n        "y": 1\n      },\n      1\n    ]\n  },\n  "b": 1\n}\n',
    );
    assert.deepEqual(Object.keys(sortKeysDeep({ b: 1, B: 2, a: 3 }) as object), ['B', 'a', 'b']);
  });

  it('prints two values that differ only in key order the same', () => {
    assert.equal(
      sortedJson({ x: { q: 1, p: [{ n: 1, m: 2 }] }, w: 'v' }),
      sortedJson({ w: 'v', x: { p: [{ m: 2, n: 1 }], q: 1 } }),
    );
  });

  it('prints scalars, undefined and a __proto__ key as JSON does', () => {
    assert.equal(sortedJson('text'), '"text"\n');
    assert.equal(sortedJson(undefined), 'null\n');
    const parsed = JSON.parse('{"__proto__": {"b": 1, "a": 2}}') as unknown;
    assert.equal(sortedJson(parsed), '{\n  "__proto__": {\n    "a": 2,\n    "b": 1\n  }\n}\n');
  });
});
