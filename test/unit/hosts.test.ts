import * as assert from 'node:assert/strict';
import { falHosts, sandboxHosts } from '../../src/common/hosts';

describe('hosts', () => {
  it('defaults to fal.ai hosts', () => {
    const hosts = falHosts();
    assert.equal(hosts.run, 'https://fal.run');
    assert.equal(hosts.queue, 'https://queue.fal.run');
    assert.equal(hosts.realtime, 'wss://fal.run');
  });

  it('maps every host of a sandbox onto path prefixes of one origin', () => {
    const hosts = sandboxHosts('http://127.0.0.1:8787/');
    assert.equal(hosts.run, 'http://127.0.0.1:8787/run');
    assert.equal(hosts.queue, 'http://127.0.0.1:8787/queue');
    assert.equal(hosts.rest, 'http://127.0.0.1:8787/rest');
    assert.equal(hosts.realtime, 'ws://127.0.0.1:8787/run');
    assert.equal(hosts.api, 'http://127.0.0.1:8787/api/v1');
  });
});
