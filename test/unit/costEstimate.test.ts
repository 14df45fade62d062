// The one counting of billing units in a call's output, and the words for a price and a cost.
import * as assert from 'node:assert/strict';
import { countUnits, describePrice, estimateCallCost, formatMoney } from '../../src/common/costEstimate';

const USD = (unit: string, unit_price: number) => ({ unit, unit_price, currency: 'USD' });
const image = (width = 1024, height = 1024) => ({ url: 'http://x/a.png', width, height });

describe('costEstimate', () => {
  it('counts images, megapixels, seconds, minutes and requests', () => {
    assert.equal(countUnits('image', { images: [image(), image()] }), 2);
    assert.equal(countUnits('image', { image: image() }), 1);
    assert.equal(countUnits('megapixel', { images: [image(1000, 1000), image(500, 1000)] }), 1.5);
    assert.equal(countUnits('second', { audio: { url: 'http://x/a.wav', duration: 2.5 } }), 2.5);
    assert.equal(countUnits('video_second', { video: { url: 'http://x/v.mp4', duration: 4 } }), 4);
    assert.equal(countUnits('minute', { audio_file: { duration: 90 } }), 1.5);
    assert.equal(countUnits('request', undefined), 1);
    assert.equal(countUnits('request', { anything: true }), 1);
  });

  it('counts nothing in outputs that show no such units', () => {
    assert.equal(countUnits('image', { images: [] }), undefined);
    assert.equal(countUnits('image', { text: 'hello' }), undefined);
    assert.equal(countUnits('image', 'a string'), undefined);
    assert.equal(countUnits('megapixel', { images: [{ url: 'http://x/a.png' }] }), undefined);
    assert.equal(countUnits('second', { audio: { url: 'http://x/a.wav' } }), undefined);
    assert.equal(countUnits('second', { audio: { duration: 'long' } }), undefined);
    assert.equal(countUnits('1000 characters', { text: 'hello' }), undefined);
    assert.equal(countUnits('gpu_second', { images: [image()] }), undefined);
    assert.equal(estimateCallCost(USD('image', 0.025), { text: 'x' }), undefined);
  });

  it('says what a call cost and what a unit costs', () => {
    const cost = estimateCallCost(USD('image', 0.025), { images: [image(), image()] });
    assert.deepEqual(cost, { quantity: 2, total: 0.05, text: '$0.05 (2 images × $0.025)' });
    assert.equal(
      estimateCallCost(USD('second', 0.002), { audio: { duration: 1 } })?.text,
      '$0.002 (1 second × $0.002)',
    );
    assert.equal(estimateCallCost(USD('request', 1), {})?.text, '$1.00 (1 request × $1.00)');
    assert.equal(describePrice(USD('image', 0.025)), '$0.025 / image');
    assert.equal(describePrice(USD('1000 characters', 0.01)), '$0.01 / 1000 characters');
    assert.equal(describePrice(USD('video_second', 0.1)), '$0.10 / video second');
    assert.equal(formatMoney(0.025 * 3, 'USD'), '$0.075');
    assert.equal(formatMoney(0.5, 'EUR'), '0.50 EUR');
  });
});
