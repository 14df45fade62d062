// A full URL passed as an endpoint id is used only when it is on fal's own hosts (or the configured
// ones), so the key never goes to a look-alike host.
import * as assert from 'node:assert/strict';
import { resolveConfig } from '../../src/fal/config';
import { endpointUrl } from '../../src/fal/urls';

describe('endpoint URLs: fal hosts only', () => {
  const config = resolveConfig({ credentials: 'id:secret' });

  it('accepts fal.run, fal.ai and their subdomains over https', () => {
    assert.equal(
      endpointUrl(config, 'run', 'https://fal.run/fal-ai/flux/dev'),
      'https://fal.run/fal-ai/flux/dev',
    );
    assert.equal(endpointUrl(config, 'queue', 'https://queue.fal.run/a/b'), 'https://queue.fal.run/a/b');
    assert.equal(endpointUrl(config, 'run', 'https://gateway.fal.ai/x/y'), 'https://gateway.fal.ai/x/y');
  });

  it('refuses look-alike hosts and plain http', () => {
    for (const url of [
      'https://evilfal.ai/x',
      'https://x.notfal.run/y',
      'https://fal.run.evil.com/x',
      'http://fal.run/x',
    ]) {
      assert.throws(() => endpointUrl(config, 'run', url), /not on a fal host/, url);
    }
  });
});
