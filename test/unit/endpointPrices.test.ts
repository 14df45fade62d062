// The price service over real sandboxes: one pricing call per endpoint and target, kept; a target that
// refuses (401) or knows no price gives "no price", logged at debug level, never an error.
import * as assert from 'node:assert/strict';
import type { RecordTarget } from '../../src/common/callModel';
import { EndpointPrices } from '../../src/connection/endpointPrices';
import { createFalClient } from '../../src/fal/client';
import { LogLines } from './runner-harness';
import { useSandbox } from './sandbox-helpers';

describe('EndpointPrices', () => {
  const open = useSandbox();
  const locked = useSandbox({ key: 'the-right-key' });

  function service(logs: LogLines, calls: string[]) {
    return new EndpointPrices(async (target: RecordTarget) => {
      if (target.kind === 'fal.ai') return undefined;
      const client = createFalClient({
        credentials: 'some-other-key',
        hosts: { ...open.hosts, api: `${target.url}/api/v1` },
      });
      return {
        pricing: (ids: string | string[]) => {
          calls.push(`${target.url} ${String(ids)}`);
          return client.pricing(ids);
        },
      };
    }, logs);
  }

  it('asks once per endpoint and target, keeps the price and says when it learned one', async () => {
    const logs = new LogLines();
    const calls: string[] = [];
    const prices = service(logs, calls);
    const target: RecordTarget = { kind: 'sandbox', url: open.url };
    const learned: string[] = [];
    prices.onDidLearnPrice((e) => learned.push(e.endpointId));
    assert.equal(prices.cached(target, 'sandbox/image'), undefined);
    const [a, b] = await Promise.all([
      prices.price(target, 'sandbox/image'),
      prices.price(target, 'sandbox/image'),
    ]);
    assert.deepEqual(a, { unit: 'image', unit_price: 0.025, currency: 'USD' });
    assert.deepEqual(b, a);
    assert.deepEqual(prices.cached(target, 'sandbox/image'), a);
    assert.equal(calls.length, 1);
    assert.deepEqual(learned, ['sandbox/image']);
    assert.equal(await prices.price(target, 'nobody/nothing'), undefined);
    assert.equal(await prices.price(target, 'nobody/nothing'), undefined);
    assert.equal(calls.length, 2);
    assert.ok(logs.lines.some((l) => l.startsWith('debug No price for nobody/nothing')));
  });

  it('swallows a 401 and a target without a client, logging at debug level only', async () => {
    const logs = new LogLines();
    const prices = service(logs, []);
    assert.equal(await prices.price({ kind: 'sandbox', url: locked.url }, 'sandbox/image'), undefined);
    assert.equal(await prices.price({ kind: 'fal.ai' }, 'fal-ai/flux/dev'), undefined);
    assert.equal(logs.lines.length, 2, logs.lines.join('\n'));
    assert.ok(
      logs.lines.every((l) => l.startsWith('debug No price for')),
      logs.lines.join('\n'),
    );
    assert.ok(
      logs.lines.some((l) => /Invalid key/.test(l)),
      logs.lines.join('\n'),
    );
    assert.ok(!logs.lines.some((l) => l.includes('some-other-key')));
  });
});
