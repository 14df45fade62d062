// The playground's output preview, made by the host: the page is sent each container's first
// children with its whole size, a bounded number of nodes in all, long strings cut; Copy Value's
// text is the whole value.
import * as assert from 'node:assert/strict';
import {
  copiedText,
  MAX_PREVIEW_NODES,
  MAX_SHOWN_CHARS,
  MAX_SHOWN_CHILDREN,
  outputView,
  previewOf,
  type PreviewNode,
} from '../../src/common/outputPreview';

type Container = Exclude<PreviewNode, { leaf: string }>;
const container = (node: PreviewNode): Container => {
  assert.ok(!('leaf' in node), 'a container');
  return node;
};
const count = (node: PreviewNode): number =>
  'leaf' in node ? 1 : 1 + node.children.reduce((n, [, c]) => n + count(c), 0);

describe('output preview (playground)', () => {
  it('shows primitives as JSON and an output as it is when small', () => {
    const output = { images: [{ url: 'https://h/a.png', width: 2 }], seed: 42, nsfw: false, none: null };
    assert.deepEqual(previewOf(output), {
      array: false,
      size: 4,
      children: [
        [
          'images',
          {
            array: true,
            size: 1,
            children: [
              [
                0,
                {
                  array: false,
                  size: 2,
                  children: [
                    ['url', { leaf: '"https://h/a.png"' }],
                    ['width', { leaf: '2' }],
                  ],
                },
              ],
            ],
          },
        ],
        ['seed', { leaf: '42' }],
        ['nsfw', { leaf: 'false' }],
        ['none', { leaf: 'null' }],
      ],
    });
  });

  it('keeps the first children of a long container with its whole size, and cuts long strings', () => {
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    const root = container(previewOf(wide));
    assert.equal(root.size, 10_000);
    assert.equal(root.children.length, MAX_SHOWN_CHILDREN);
    assert.deepEqual(root.children[199], ['k199', { leaf: '199' }]);
    const long = 'x'.repeat(5000);
    assert.deepEqual(previewOf(long), {
      leaf: `${JSON.stringify('x'.repeat(MAX_SHOWN_CHARS))}… (5000 characters)`,
    });
  });

  it('sends at most MAX_PREVIEW_NODES nodes however the output nests', () => {
    const nested = Array.from({ length: 200 }, () => Array.from({ length: 200 }, (_, i) => i));
    const root = container(previewOf(nested));
    assert.ok(count(root) <= MAX_PREVIEW_NODES, `${count(root)} nodes`);
    assert.equal(root.size, 200);
    // The first lists are whole; then the budget ends: a list cut short, and the rest only counted.
    assert.equal(container(root.children[0][1]).children.length, 200);
    const last = container(root.children.at(-1)![1]);
    assert.equal(last.size, 200);
    assert.ok(last.children.length < 200);
    assert.ok(root.children.length < root.size);
  });

  it("copies a string as itself and anything else as indented JSON; the page's view has the text blocks", () => {
    assert.equal(copiedText('https://h/a.png'), 'https://h/a.png');
    assert.equal(copiedText({ a: [1] }), '{\n  "a": [\n    1\n  ]\n}');
    assert.equal(copiedText(null), 'null');
    assert.equal(outputView(undefined), undefined);
    const view = outputView({ output: 'An answer.', seed: 1 });
    assert.deepEqual(view?.texts, [{ key: 'output', text: 'An answer.' }]);
    assert.deepEqual(JSON.parse(view!.previewJson), previewOf({ output: 'An answer.', seed: 1 }));
  });
});
