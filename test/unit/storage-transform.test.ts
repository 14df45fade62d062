// storage.transformInput without a server (upload stubbed): an input without binary values comes
// back as the same object after one synchronous scan (no Promise per value), and an input with some
// comes back exactly as the former recursive walk of Promises made it: same copies, same uploads in
// the same order, same values kept by reference.
import * as assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { resolveConfig } from '../../src/fal/config';
import { sandboxHosts } from '../../src/common/hosts';
import { createStorageClient, type StorageClient, type UploadData } from '../../src/fal/storage';

/** A storage client whose uploads are recorded and answer `file://<n>` after a varying delay. */
function stubbedStorage(): { storage: StorageClient; uploaded: unknown[] } {
  const storage = createStorageClient(
    resolveConfig({ credentials: 'k:s', hosts: sandboxHosts('http://127.0.0.1:9') }),
  );
  const uploaded: unknown[] = [];
  storage.upload = (data: UploadData) => {
    const n = uploaded.push(data);
    // Later uploads answer first, so the slots are filled out of order.
    return new Promise((resolve) => setTimeout(() => resolve(`file://${n}`), 20 - n));
  };
  return { storage, uploaded };
}

/** The former transformInput, verbatim: the reference the new one must match. */
function referenceTransform(storage: StorageClient) {
  const isPlainObject = (value: unknown): value is Record<string, unknown> => {
    if (typeof value !== 'object' || value === null) return false;
    const proto = Object.getPrototypeOf(value) as unknown;
    return proto === Object.prototype || proto === null;
  };
  const isBinary = (value: unknown): value is UploadData =>
    value instanceof Uint8Array || value instanceof ArrayBuffer || value instanceof Blob;
  const transform = async <T>(input: T): Promise<T> => {
    if (isBinary(input)) return (await storage.upload(input)) as T;
    if (Array.isArray(input)) {
      return (await Promise.all(input.map((item: unknown) => transform(item)))) as T;
    }
    if (isPlainObject(input)) {
      const entries = await Promise.all(
        Object.entries(input).map(async ([key, value]) => [key, await transform(value)] as const),
      );
      return Object.fromEntries(entries) as T;
    }
    return input;
  };
  return transform;
}

const fn = () => 1;

class Holder {
  constructor(public readonly file: Buffer) {}
}

/** Every kind of value transformInput meets, without any binary value it would upload. */
function plainInput() {
  const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1, b: [2] });
  const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
  return {
    prompt: 'a cat',
    n: 3,
    flag: false,
    nothing: null,
    missing: undefined,
    list: [1, 'two', { three: [3] }, [[4]]],
    sparse,
    nullProto,
    when: new Date(0),
    map: new Map([['k', Buffer.from('in a Map: not walked')]]),
    holder: new Holder(Buffer.from('in a class instance: not walked')),
    shorts: new Int16Array([1, 2]),
    view: new DataView(new ArrayBuffer(2)),
    fn,
    ...JSON.parse('{"__proto__": {"own": "key"}, "2": "integer key", "z": "last"}'),
  } as Record<string, unknown>;
}

/** Objects `count` wide and `depth` deep, as a large JSON input of many small objects. */
function largeInput(count: number, depth: number): unknown {
  const items = Array.from({ length: count }, (_, i) => {
    let node: Record<string, unknown> = { id: i, name: `item ${i}`, tags: ['a', 'b'], score: i / 7 };
    for (let d = 0; d < depth; d++) node = { level: d, child: node, siblings: [d, { d }] };
    return node;
  });
  return { items, meta: { count } };
}

describe('storage: transformInput', () => {
  it('returns the input itself, unwalked and without uploads, when it holds no binary value', async () => {
    const { storage, uploaded } = stubbedStorage();
    for (const input of [plainInput(), [plainInput(), [plainInput()]], largeInput(50, 5)]) {
      assert.equal(await storage.transformInput(input), input);
    }
    for (const scalar of ['text', 42, true, null, undefined, new Date(1)]) {
      assert.equal(await storage.transformInput(scalar), scalar);
    }
    assert.equal(uploaded.length, 0);
  });

  it('creates no Promise per value of a large input without binary values', async () => {
    const { storage } = stubbedStorage();
    const input = largeInput(2000, 4); // about 60 000 values
    let promises = 0;
    const hook = createHook({
      init: (_id, type) => {
        if (type === 'PROMISE') promises++;
      },
    });
    hook.enable();
    let out: unknown;
    try {
      out = await storage.transformInput(input);
    } finally {
      hook.disable();
    }
    // The walk of a Promise per value made well over 100 000 here.
    assert.ok(promises < 10, `${promises} promises`);
    assert.equal(out, input);
  });

  it('with binary values, matches the former walk: copies, uploads in document order, URLs in place', async () => {
    const build = () => {
      const shared = Buffer.from('twice');
      const input = {
        ...plainInput(),
        image: Buffer.from('one'),
        nested: {
          list: [new Uint8Array([1, 2, 3]), 'keep', shared, { deep: new Blob(['three']) }, [shared]],
          raw: new ArrayBuffer(4),
        },
        after: { untouched: [1, { two: 2 }] },
      };
      return { input, order: [input.image, input.nested.list[0], shared, input.nested.list[3], shared] };
    };

    const ours = stubbedStorage();
    const a = build();
    const out = (await ours.storage.transformInput(a.input)) as Record<string, unknown>;

    const former = stubbedStorage();
    const b = build();
    const expected = (await referenceTransform(former.storage)(b.input)) as Record<string, unknown>;

    // Same structure, prototypes, key order, holes made undefined, and URLs in the same slots.
    assert.deepStrictEqual(out, expected);
    assert.deepEqual(Object.keys(out), Object.keys(expected));
    assert.ok(Object.hasOwn(out, '__proto__') && Object.getPrototypeOf(out) === Object.prototype);
    assert.equal(out.image, 'file://1');
    assert.deepEqual((out.nested as { list: unknown[] }).list.slice(0, 3), ['file://2', 'keep', 'file://3']);
    assert.equal((out.nested as { raw: unknown }).raw, 'file://6');
    assert.deepEqual(out.sparse, [1, undefined, 3]);
    assert.ok(Object.hasOwn(out.sparse as unknown[], 1));
    // Uploads started in the same order, one per occurrence (a shared Buffer twice).
    assert.equal(ours.uploaded.length, 6);
    assert.deepEqual(
      ours.uploaded.map((data) => a.order.indexOf(data as never)),
      former.uploaded.map((data) => b.order.indexOf(data as never)),
    );
    assert.equal(ours.uploaded[0], a.input.image);
    // Arrays and plain objects are copies (the input is untouched); anything else is kept as is.
    const given = a.input as Record<string, unknown>;
    for (const key of ['list', 'sparse', 'nullProto', 'after'] as const) {
      assert.notEqual(out[key], given[key], key);
    }
    assert.notEqual((out.after as { untouched: unknown }).untouched, a.input.after.untouched);
    for (const key of ['when', 'map', 'holder', 'shorts', 'view', 'fn'] as const) {
      assert.equal(out[key], given[key], key);
    }
    assert.ok(Buffer.isBuffer(a.input.image));
    assert.ok(Buffer.isBuffer((given.holder as Holder).file));
  });

  it('uploads a binary input itself and answers its URL', async () => {
    const { storage, uploaded } = stubbedStorage();
    const data = Buffer.from('alone');
    assert.equal(await storage.transformInput(data), 'file://1');
    assert.deepEqual(uploaded, [data]);
  });

  it('rejects when an upload fails, like the former walk', async () => {
    const { storage } = stubbedStorage();
    storage.upload = () => Promise.reject(new Error('upload refused'));
    await assert.rejects(storage.transformInput({ a: [Buffer.from('x')] }), /upload refused/);
  });
});
