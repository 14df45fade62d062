// Where calls go, for real: the embedded sandbox starts on first use in a process of its own (not the
// extension host) and answers the protocol client; a sandbox at fal.sandboxUrl gets a placeholder key, never the fal key;
// fal.ai needs the key from SecretStorage (or FAL_KEY) and says how to add one when there is none.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { MissingApiKeyError } from '../../src/connection/falConnection';
import { SANDBOX_PLACEHOLDER_KEY } from '../../src/common/hosts';
import { ATTACH_PATH, type AttachReply } from '../../src/sandbox/controlProtocol';
import { startSandbox } from '../../src/sandbox/server';
import { activateExtension, falConfig, recordOutput, resetFalSettings } from './extensionApi';

const TEST_KEY = 'integration-key-id:integration-key-secret';

describe('connection', () => {
  const savedEnv = { FAL_KEY: process.env.FAL_KEY, FAL_KEY_ID: process.env.FAL_KEY_ID };

  before(() => {
    delete process.env.FAL_KEY;
    delete process.env.FAL_KEY_ID;
  });

  after(() => {
    if (savedEnv.FAL_KEY !== undefined) process.env.FAL_KEY = savedEnv.FAL_KEY;
    if (savedEnv.FAL_KEY_ID !== undefined) process.env.FAL_KEY_ID = savedEnv.FAL_KEY_ID;
  });

  afterEach(async () => {
    await resetFalSettings();
    await (await activateExtension()).keys.clear();
  });

  it('starts the embedded sandbox on first use and runs sandbox/echo on it', async () => {
    const api = await activateExtension();
    const connection = await api.connection.get();
    assert.equal(connection.target.kind, 'embedded-sandbox');
    assert.match(connection.description, /embedded fal sandbox at http:\/\/127\.0\.0\.1:\d+/);
    const result = await connection.client.run('sandbox/echo', { input: { hello: 'vscode' } });
    assert.deepEqual(result.data, { hello: 'vscode' });
    assert.ok(result.requestId);
  });

  it('runs the embedded sandbox in a process of its own', async () => {
    const api = await activateExtension();
    const connection = await api.connection.get();
    const key = await connection.client.config.resolveCredentials();
    const url = await api.connection.embeddedSandboxUrl();
    const res = await fetch(`${url}${ATTACH_PATH}`, {
      method: 'POST',
      headers: { authorization: `Key ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ window: 'integration-test', nonce: 'n' }),
    });
    assert.equal(res.status, 200);
    const reply = (await res.json()) as AttachReply;
    assert.notEqual(reply.pid, process.pid);
  });

  it('reuses one embedded sandbox, which refuses callers without its own key', async () => {
    const api = await activateExtension();
    const first = await api.connection.get();
    const second = await api.connection.get();
    assert.equal(first.client, second.client);
    const url = await api.connection.embeddedSandboxUrl();
    assert.ok(url);
    const anonymous = await fetch(`${url}/run/sandbox/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Key someone:else' },
      body: '{}',
    });
    assert.equal(anonymous.status, 401);
  });

  it('sends a sandbox at fal.sandboxUrl the placeholder key, not the stored fal key', async () => {
    const api = await activateExtension();
    await api.keys.set(TEST_KEY);
    const sandbox = await startSandbox({ port: 0, key: SANDBOX_PLACEHOLDER_KEY });
    try {
      await falConfig().update('sandboxUrl', sandbox.url, vscode.ConfigurationTarget.Global);
      const connection = await api.connection.get();
      assert.equal(connection.target.kind, 'sandbox');
      assert.equal(connection.description, `the fal sandbox at ${sandbox.url}`);
      const result = await connection.client.run('sandbox/echo', { input: { via: 'setting' } });
      assert.deepEqual(result.data, { via: 'setting' });
    } finally {
      await sandbox.close();
    }
  });

  it('refuses fal.ai without a key, naming the command that adds one', async () => {
    const api = await activateExtension();
    await falConfig().update('target', 'fal.ai', vscode.ConfigurationTarget.Global);
    await assert.rejects(api.connection.get(), (err: Error) => {
      assert.ok(err instanceof MissingApiKeyError || err.name === 'MissingApiKeyError');
      assert.match(err.message, /fal: Set API Key/);
      assert.match(err.message, /FAL_KEY/);
      return true;
    });
  });

  it('uses the key from SecretStorage for fal.ai, and stops when it is cleared', async () => {
    const api = await activateExtension();
    await falConfig().update('target', 'fal.ai', vscode.ConfigurationTarget.Global);
    await api.keys.set(TEST_KEY);
    const connection = await api.connection.get();
    assert.equal(connection.hosts.run, 'https://fal.run');
    assert.equal(await connection.client.config.resolveCredentials(), TEST_KEY);
    assert.deepEqual(await api.keys.get(), { value: TEST_KEY, source: 'secret-storage' });
    await vscode.commands.executeCommand('fal.clearApiKey');
    assert.equal(await api.keys.get(), undefined);
    await assert.rejects(api.connection.get(), /No fal key/);
  });

  it('falls back to FAL_KEY from the environment', async () => {
    const api = await activateExtension();
    process.env.FAL_KEY = TEST_KEY;
    try {
      assert.deepEqual(await api.keys.get(), { value: TEST_KEY, source: 'environment' });
    } finally {
      delete process.env.FAL_KEY;
    }
  });

  it('refuses a malformed key with a message that says what a key looks like', async () => {
    const api = await activateExtension();
    await assert.rejects(api.keys.set('not a key'), /no spaces/);
    await assert.rejects(api.keys.set('justonepart'), /key_id:key_secret/);
    assert.equal(await api.keys.get(), undefined);
  });

  it('never writes the key to the output channel', async () => {
    const api = await activateExtension();
    const lines = await recordOutput(api, async () => {
      await api.keys.set(TEST_KEY);
      await falConfig().update('target', 'fal.ai', vscode.ConfigurationTarget.Global);
      await api.connection.get();
      await vscode.commands.executeCommand('fal.clearApiKey');
    });
    assert.ok(
      lines.some((l) => /removed/.test(l)),
      `nothing was logged: ${lines.join(' | ')}`,
    );
    for (const line of lines) {
      assert.ok(!line.includes('integration-key-secret'), `the key reached the output: ${line}`);
    }
  });
});
