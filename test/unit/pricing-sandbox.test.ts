// The client's pricing() and estimateCost() against the sandbox's pricing routes, and the routes'
// own refusals (too many ids, a bad estimate body, no key).
import * as assert from 'node:assert/strict';
import { ValidationError } from '../../src/fal/errors';
import { useSandboxClient } from './clientSandbox';
import { call } from './sandbox-helpers';

describe('pricing: client against the sandbox', () => {
  const h = useSandboxClient();

  it('prices two ids, per image and per second of audio', async () => {
    const prices = await h.client.pricing(['sandbox/image', 'sandbox/audio']);
    assert.deepEqual(prices, [
      { endpoint_id: 'sandbox/image', unit_price: 0.025, unit: 'image', currency: 'USD' },
      { endpoint_id: 'sandbox/audio', unit_price: 0.002, unit: 'second', currency: 'USD' },
    ]);
    const [echo] = await h.client.pricing('sandbox/echo');
    assert.equal(echo.unit, 'request');
  });

  it('takes the comma-separated form and leaves unknown ids out', async () => {
    const reply = await call(
      h.sandbox.url,
      '/api/v1/models/pricing?endpoint_id=sandbox/image-to-image,nobody/nothing,sandbox/text',
    );
    assert.equal(reply.status, 200);
    assert.deepEqual(
      reply.json.prices.map((p: { endpoint_id: string; unit: string }) => `${p.endpoint_id} ${p.unit}`),
      ['sandbox/image-to-image image', 'sandbox/text request'],
    );
    assert.deepEqual(await h.client.pricing(['nobody/nothing']), []);
  });

  it('refuses 51 ids in the client, and the sandbox answers 422 to them', async () => {
    const ids = Array.from({ length: 51 }, (_, i) => `sandbox/echo${i}`);
    await assert.rejects(h.client.pricing(ids), /1 to 50 endpoint ids, not 51/);
    await assert.rejects(h.client.pricing([]), /1 to 50 endpoint ids, not 0/);
    const reply = await call(h.sandbox.url, `/api/v1/models/pricing?endpoint_id=${ids.join(',')}`);
    assert.equal(reply.status, 422);
    assert.deepEqual(reply.json.detail[0].loc, ['query', 'endpoint_id']);
  });

  it('estimates from historical prices per call and from unit prices', async () => {
    const historical = await h.client.estimateCost({
      estimate_type: 'historical_api_price',
      endpoints: { 'sandbox/image': { call_quantity: 100 }, 'sandbox/echo': { call_quantity: 10 } },
    });
    assert.deepEqual(historical, {
      estimate_type: 'historical_api_price',
      total_cost: 2.51,
      currency: 'USD',
    });
    const units = await h.client.estimateCost({
      estimate_type: 'unit_price',
      endpoints: { 'sandbox/audio': { unit_quantity: 50 } },
    });
    assert.deepEqual(units, { estimate_type: 'unit_price', total_cost: 0.1, currency: 'USD' });
  });

  it('answers a bad estimate body with a fal-style 422 the client raises as a ValidationError', async () => {
    await assert.rejects(
      h.client.estimateCost({
        estimate_type: 'unit_price',
        endpoints: { 'sandbox/image': { call_quantity: 3 } },
      } as never),
      (err: unknown) =>
        err instanceof ValidationError &&
        err.status === 422 &&
        err.fieldErrors[0].loc.join('.') === 'body.endpoints.sandbox/image.unit_quantity',
    );
    for (const body of [
      { estimate_type: 'guess', endpoints: { 'sandbox/image': { unit_quantity: 1 } } },
      { estimate_type: 'unit_price', endpoints: {} },
      { estimate_type: 'unit_price', endpoints: { 'nobody/nothing': { unit_quantity: 1 } } },
      '{not json',
    ]) {
      const reply = await call(h.sandbox.url, '/api/v1/models/pricing/estimate', { body });
      assert.equal(reply.status, 422, JSON.stringify(body));
      assert.ok(Array.isArray(reply.json.detail) && reply.json.detail[0].msg, reply.text);
    }
  });

  it('requires a key on both routes', async () => {
    const get = await call(h.sandbox.url, '/api/v1/models/pricing?endpoint_id=sandbox/image', { key: null });
    assert.equal(get.status, 401);
    const post = await call(h.sandbox.url, '/api/v1/models/pricing/estimate', {
      key: null,
      body: { estimate_type: 'unit_price', endpoints: { 'sandbox/image': { unit_quantity: 1 } } },
    });
    assert.equal(post.status, 401);
  });
});
