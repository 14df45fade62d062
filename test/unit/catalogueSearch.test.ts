// The endpoint picker's search: recent ids first, every typed word matched against id, name,
// category and tags, ids starting with the query first, and a valid typed id offered as itself.
import * as assert from 'node:assert/strict';
import { searchCatalogue, type CatalogueEntry } from '../../src/common/catalogueSearch';

const catalogue: CatalogueEntry[] = [
  { endpointId: 'sandbox/image', displayName: 'Sandbox image', category: 'text-to-image' },
  { endpointId: 'sandbox/image-to-image', displayName: 'Invert an image', category: 'image-to-image' },
  { endpointId: 'sandbox/echo', displayName: 'Echo', category: 'llm', tags: ['debug'] },
  { endpointId: 'fal-ai/flux/dev', displayName: 'FLUX.1 [dev]', category: 'text-to-image' },
];
const ids = (items: { endpointId: string }[]) => items.map((i) => i.endpointId);

describe('catalogue search (endpoint picker)', () => {
  it('finds by display name, category or tag, every word', () => {
    assert.deepEqual(ids(searchCatalogue('invert', catalogue, [])), ['sandbox/image-to-image']);
    assert.deepEqual(ids(searchCatalogue('text-to-image', catalogue, [])), [
      'sandbox/image',
      'fal-ai/flux/dev',
    ]);
    assert.deepEqual(ids(searchCatalogue('debug', catalogue, [])), ['sandbox/echo']);
    assert.deepEqual(ids(searchCatalogue('sandbox image invert', catalogue, [])), ['sandbox/image-to-image']);
  });

  it('puts recent ids first, then ids that start with the query', () => {
    // flux is text-to-image (a match), and recent: first.
    const items = searchCatalogue('image', catalogue, ['fal-ai/flux/dev']);
    assert.deepEqual(ids(items), ['fal-ai/flux/dev', 'sandbox/image', 'sandbox/image-to-image']);
    assert.deepEqual(
      items.map((i) => i.source),
      ['recent', 'catalogue', 'catalogue'],
    );
    const all = searchCatalogue('', catalogue, ['sandbox/echo', 'my/own-app']);
    assert.deepEqual(ids(all).slice(0, 2), ['sandbox/echo', 'my/own-app']);
    assert.equal(all[0].source, 'recent');
    assert.equal(all[0].displayName, 'Echo');
    const starting = searchCatalogue('fal', catalogue, []);
    assert.deepEqual(ids(starting), ['fal-ai/flux/dev']);
  });

  it('offers a valid typed id it does not know, and not an invalid one', () => {
    const typed = searchCatalogue('owner/app/sub', catalogue, []);
    assert.deepEqual(typed, [{ endpointId: 'owner/app/sub', source: 'typed' }]);
    assert.deepEqual(searchCatalogue('not an id', catalogue, []), []);
    assert.deepEqual(searchCatalogue('https://evil.example/x', catalogue, []), []);
  });
});
