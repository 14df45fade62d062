// The schema service over a real sandbox: one schema() call per endpoint and target, kept; an
// endpoint without a schema (404), a target without a client or one that fails answers undefined,
// logged at debug, remembered as "none" for a while and asked again after it.
import * as assert from 'node:assert/strict';
import type { RecordTarget } from '../../src/common/callModel';
import { EndpointSchemas, RETRY_MISSING_AFTER_MS } from '../../src/connection/endpointSchemas';
import { createFalClient } from '../../src/fal/client';
import { LogLines } from './runner-harness';
import { useSandbox } from './sandbox-helpers';

describe('EndpointSchemas', () => {
  const sandbox = useSandbox();

  function service(logs: LogLines, calls: string[], clock = { now: 0 }) {
    return new EndpointSchemas(
      async (target: RecordTarget) => {
        if (target.kind === 'fal.ai') return undefined;
        const client = createFalClient({ credentials: 'k', hosts: sandbox.hosts, retry: { baseDelayMs: 1 } });
        return {
          schema: (id: string) => {
            calls.push(id);
            return client.schema(id);
          },
        };
      },
      logs,
      () => clock.now,
    );
  }

  it('fetches once per endpoint and target and keeps it', async () => {
    const logs = new LogLines();
    const calls: string[] = [];
    const schemas = service(logs, calls);
    const target: RecordTarget = { kind: 'sandbox', url: sandbox.url };
    assert.equal(schemas.cached(target, 'sandbox/compose'), undefined);
    const [a, b] = await Promise.all([
      schemas.schema(target, 'sandbox/compose'),
      schemas.schema(target, 'sandbox/compose'),
    ]);
    assert.equal(a?.endpointId, 'sandbox/compose');
    assert.equal(b, a);
    assert.equal(schemas.cached(target, 'sandbox/compose'), a);
    assert.equal(await schemas.schema(target, 'sandbox/compose'), a);
    assert.deepEqual(calls, ['sandbox/compose']);
    await schemas.schema({ kind: 'embedded-sandbox', url: sandbox.url }, 'sandbox/compose');
    assert.equal(calls.length, 2, 'another target is asked on its own');
    assert.deepEqual(logs.lines, []);
  });

  it('answers undefined for an endpoint without a schema, remembers it a while, then asks again', async () => {
    const logs = new LogLines();
    const calls: string[] = [];
    const clock = { now: 1000 };
    const schemas = service(logs, calls, clock);
    const target: RecordTarget = { kind: 'sandbox', url: sandbox.url };
    assert.equal(await schemas.schema(target, 'nobody/nothing'), undefined);
    assert.equal(await schemas.schema(target, 'nobody/nothing'), undefined);
    assert.equal(calls.length, 1);
    clock.now += RETRY_MISSING_AFTER_MS;
    assert.equal(await schemas.schema(target, 'nobody/nothing'), undefined);
    assert.equal(calls.length, 2);
    assert.equal(await schemas.schema({ kind: 'fal.ai' }, 'fal-ai/flux/dev'), undefined);
    assert.equal(logs.lines.length, 3, logs.lines.join('\n'));
    assert.ok(
      logs.lines.every((l) => l.startsWith('debug No schema for')),
      logs.lines.join('\n'),
    );
    assert.ok(logs.lines[0].includes('404') || /not found/i.test(logs.lines[0]), logs.lines[0]);
  });

  it('says why there is no schema: the status of a refusal, the words of another failure, kept while remembered', async () => {
    const calls: string[] = [];
    const schemas = service(new LogLines(), calls);
    const target: RecordTarget = { kind: 'sandbox', url: sandbox.url };
    const refused = await schemas.lookup(target, 'nobody/nothing');
    assert.equal(refused.schema, undefined);
    assert.equal(refused.missing?.status, 404);
    assert.match(refused.missing?.message ?? '', /nobody\/nothing not found/);
    assert.deepEqual(
      await schemas.lookup(target, 'nobody/nothing'),
      refused,
      'the remembered "none" keeps why',
    );
    assert.equal(calls.length, 1);
    const noClient = await schemas.lookup({ kind: 'fal.ai' }, 'fal-ai/flux/dev');
    assert.deepEqual(noClient.missing, { message: 'no client for its target now' });
    const found = await schemas.lookup(target, 'sandbox/image');
    assert.equal(found.schema?.endpointId, 'sandbox/image');
    assert.equal(found.missing, undefined);
  });
});
