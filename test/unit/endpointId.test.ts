import * as assert from 'node:assert/strict';
import {
  InvalidEndpointIdError,
  ensureEndpointIdFormat,
  parseEndpointId,
  resolveEndpointPath,
} from '../../src/common/endpointId';
import { resolveConfig } from '../../src/fal/config';
import { sandboxHosts } from '../../src/common/hosts';
import { endpointUrl, requestUrl } from '../../src/fal/urls';

describe('client: endpoint ids', () => {
  it('keeps ids with a slash and rewrites legacy numeric ids', () => {
    assert.equal(ensureEndpointIdFormat('fal-ai/flux/dev'), 'fal-ai/flux/dev');
    assert.equal(ensureEndpointIdFormat('123-my-app'), '123/my-app');
    assert.equal(parseEndpointId('123-my-app').appId, '123/my-app');
  });

  it('rejects anything else with an error naming the id', () => {
    for (const id of ['flux', 'abc-def', '', '123-', 'a b']) {
      assert.throws(
        () => parseEndpointId(id),
        (e: unknown) => e instanceof InvalidEndpointIdError && e.message.includes(JSON.stringify(id)),
      );
    }
    assert.throws(() => parseEndpointId('/alias'), InvalidEndpointIdError);
    assert.throws(() => parseEndpointId('workflows/owner'), InvalidEndpointIdError);
  });

  it('splits owner, alias and sub-path', () => {
    assert.deepEqual(parseEndpointId('fal-ai/flux/dev'), {
      id: 'fal-ai/flux/dev',
      owner: 'fal-ai',
      alias: 'flux',
      path: 'dev',
      appId: 'fal-ai/flux',
    });
    assert.deepEqual(
      parseEndpointId('fal-ai/bytedance/seedream/v4/text-to-image').path,
      'seedream/v4/text-to-image',
    );
    assert.equal(parseEndpointId('fal-ai/flux').path, undefined);
  });

  it('recognises the workflows and comfy namespaces', () => {
    assert.deepEqual(parseEndpointId('workflows/me/my-flow/extra'), {
      id: 'workflows/me/my-flow/extra',
      namespace: 'workflows',
      owner: 'me',
      alias: 'my-flow',
      path: 'extra',
      appId: 'workflows/me/my-flow',
    });
    assert.equal(parseEndpointId('comfy/me/graph').appId, 'comfy/me/graph');
    assert.equal(parseEndpointId('other/me/graph').appId, 'other/me');
  });

  it('resolves default paths like fal-js', () => {
    assert.equal(resolveEndpointPath('a/b', undefined, '/stream'), '/stream');
    assert.equal(resolveEndpointPath('a/b/stream', undefined, '/stream'), undefined);
    assert.equal(resolveEndpointPath('a/b', '//custom', '/stream'), '/custom');
  });

  it('uses the sub-path for run/submit URLs but not for request URLs', () => {
    const config = resolveConfig({ credentials: undefined, hosts: sandboxHosts('http://127.0.0.1:1') });
    assert.equal(endpointUrl(config, 'run', 'fal-ai/flux/dev'), 'http://127.0.0.1:1/run/fal-ai/flux/dev');
    assert.equal(
      endpointUrl(config, 'queue', 'fal-ai/flux/dev', undefined, { fal_webhook: 'https://x/y?z=1' }),
      'http://127.0.0.1:1/queue/fal-ai/flux/dev?fal_webhook=https%3A%2F%2Fx%2Fy%3Fz%3D1',
    );
    assert.equal(endpointUrl(config, 'run', '123-app', '/stream'), 'http://127.0.0.1:1/run/123/app/stream');
    assert.equal(
      requestUrl(config, 'fal-ai/flux/dev', 'abc', '/status', { logs: '1' }),
      'http://127.0.0.1:1/queue/fal-ai/flux/requests/abc/status?logs=1',
    );
    assert.equal(
      requestUrl(config, 'workflows/me/f/x', 'abc'),
      'http://127.0.0.1:1/queue/workflows/me/f/requests/abc',
    );
    assert.throws(() => requestUrl(config, 'a/b', '../x'), /Invalid request id/);
  });

  it('accepts full URLs only on fal or the configured hosts', () => {
    const config = resolveConfig({ credentials: undefined, hosts: sandboxHosts('http://127.0.0.1:1') });
    assert.equal(endpointUrl(config, 'run', 'https://fal.run/a/b'), 'https://fal.run/a/b');
    assert.equal(
      endpointUrl(config, 'run', 'http://127.0.0.1:1/run/a/b', '/stream'),
      'http://127.0.0.1:1/run/a/b/stream',
    );
    assert.throws(() => endpointUrl(config, 'run', 'https://evil.example/a/b'), InvalidEndpointIdError);
  });
});
