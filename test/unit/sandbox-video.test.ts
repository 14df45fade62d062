// `sandbox/video` and how the sandbox serves media: the endpoint's output through our client and the
// official @fal-ai/client (run, subscribe, submit and result, stream), File objects whose URLs are the
// sandbox's own; the served MP4 is real H.264 (an `avc1` sample entry, its index before its data, no
// audio track) and the WebM is EBML naming V_VP8; every stored file answers `Range` requests with
// 206 and `Content-Range`, and 416 when no byte is in range, so a `<video>` can seek.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { estimateCallCost } from '../../src/common/costEstimate';
import { CLIPS, clipFolder } from '../../src/sandbox/endpoints/clips';
import { useSandboxClient } from './clientSandbox';
import { officialSandboxClient } from './officialClient';
import { call } from './sandbox-helpers';

interface VideoFile {
  url: string;
  content_type: string;
  file_name: string;
  file_size: number;
  width: number;
  height: number;
  duration: number;
}

interface VideoOutput {
  video: VideoFile;
  videos: VideoFile[];
  prompt: string;
}

/** The part of a client these tests use; both clients are assignable to it unchanged. */
interface Client {
  run(endpointId: string, options: { input: Record<string, unknown> }): Promise<{ data: unknown }>;
  subscribe(
    endpointId: string,
    options: { input: Record<string, unknown>; mode: 'polling'; pollInterval: number },
  ): Promise<{ data: unknown }>;
  queue: {
    submit(endpointId: string, options: { input: Record<string, unknown> }): Promise<{ request_id: string }>;
    status(endpointId: string, options: { requestId: string; logs: boolean }): Promise<{ status: string }>;
    result(endpointId: string, options: { requestId: string }): Promise<{ data: unknown }>;
  };
  stream(
    endpointId: string,
    options: { input: Record<string, unknown> },
  ): Promise<AsyncIterable<unknown> & { done(): Promise<unknown> }>;
}

const committed = (format: 'mp4' | 'webm') => readFileSync(join(clipFolder(), CLIPS[format].file));

async function bytesOf(url: string): Promise<{ type: string | null; bytes: Buffer }> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return { type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

interface Box {
  type: string;
  /** Where its content starts (after the header) and ends. */
  start: number;
  end: number;
}

/** The ISO BMFF boxes between `start` and `end`. */
function boxes(data: Buffer, start = 0, end = data.length): Box[] {
  const found: Box[] = [];
  for (let at = start; at + 8 <= end;) {
    let size = data.readUInt32BE(at);
    let header = 8;
    if (size === 1) {
      size = Number(data.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = end - at;
    assert.ok(size >= header && at + size <= end, `box at ${at} of size ${size} fits`);
    found.push({ type: data.toString('latin1', at + 4, at + 8), start: at + header, end: at + size });
    at += size;
  }
  return found;
}

/** The one child box of `parent` of type `type`. */
function child(data: Buffer, parent: Box, type: string): Box {
  const matches = boxes(data, parent.start, parent.end).filter((b) => b.type === type);
  assert.equal(matches.length, 1, `one ${type} in ${parent.type}`);
  return matches[0];
}

/** What an MP4's structure says: top-level box order, and per track its handler and sample entries. */
function describeMp4(data: Buffer): { top: string[]; tracks: { handler: string; entries: string[] }[] } {
  const top = boxes(data);
  const moov = top.find((b) => b.type === 'moov');
  assert.ok(moov, 'a moov box');
  const tracks = boxes(data, moov.start, moov.end)
    .filter((b) => b.type === 'trak')
    .map((trak) => {
      const mdia = child(data, trak, 'mdia');
      const hdlr = child(data, mdia, 'hdlr');
      // FullBox (4) + pre_defined (4), then the handler type.
      const handler = data.toString('latin1', hdlr.start + 8, hdlr.start + 12);
      const stsd = child(data, child(data, child(data, mdia, 'minf'), 'stbl'), 'stsd');
      // FullBox (4) + entry_count (4), then the sample entries, boxes themselves.
      const entries = boxes(data, stsd.start + 8, stsd.end).map((b) => b.type);
      assert.equal(entries.length, data.readUInt32BE(stsd.start + 4));
      return { handler, entries };
    });
  return { top: top.map((b) => b.type), tracks };
}

describe('sandbox/video', () => {
  const h = useSandboxClient();

  const subjects: { name: string; make: () => Client }[] = [
    { name: 'official @fal-ai/client', make: () => officialSandboxClient(h.sandbox.hosts, 'video:key') },
    { name: 'our client', make: () => h.client },
  ];

  /** Asserts `data` is the output for `formats`, served by this sandbox with the committed bytes. */
  async function checkOutput(data: unknown, formats: ('mp4' | 'webm')[]): Promise<void> {
    const output = data as VideoOutput;
    assert.equal(output.prompt, 'a paper boat');
    assert.deepEqual(
      output.videos.map((v) => v.content_type),
      formats.map((f) => CLIPS[f].contentType),
    );
    assert.deepEqual(output.video, output.videos[0]);
    for (const [i, video] of output.videos.entries()) {
      const format = formats[i];
      assert.ok(video.url.startsWith(`${h.sandbox.url}/files/`), video.url);
      assert.equal(video.file_name, `video.${format}`);
      assert.equal(video.file_size, committed(format).length);
      assert.deepEqual([video.width, video.height, video.duration], [160, 120, 2]);
      const served = await bytesOf(video.url);
      assert.equal(served.type, CLIPS[format].contentType);
      assert.ok(served.bytes.equals(committed(format)), `${video.url} serves the committed ${format}`);
    }
  }

  for (const subject of subjects) {
    describe(subject.name, () => {
      let fal: Client;
      before(() => {
        fal = subject.make();
      });

      it('run: both formats by default, the MP4 first', async () => {
        const result = await fal.run('sandbox/video', { input: { prompt: 'a paper boat' } });
        await checkOutput(result.data, ['mp4', 'webm']);
      });

      it('subscribe: one format', async () => {
        const input = { prompt: 'a paper boat', format: 'webm', num_inference_steps: 2 };
        const result = await fal.subscribe('sandbox/video', { input, mode: 'polling', pollInterval: 10 });
        await checkOutput(result.data, ['webm']);
      });

      it('submit, then result', async () => {
        const input = { prompt: 'a paper boat', format: 'mp4', num_inference_steps: 1 };
        const { request_id } = await fal.queue.submit('sandbox/video', { input });
        let status;
        do status = await fal.queue.status('sandbox/video', { requestId: request_id, logs: false });
        while (status.status !== 'COMPLETED');
        const result = await fal.queue.result('sandbox/video', { requestId: request_id });
        await checkOutput(result.data, ['mp4']);
      });

      it('stream: a progress event per step, then the output', async () => {
        const input = { prompt: 'a paper boat', num_inference_steps: 3 };
        const stream = await fal.stream('sandbox/video', { input });
        const events: unknown[] = [];
        for await (const event of stream) events.push(event);
        const done = await stream.done();
        assert.deepEqual(
          events.slice(0, 3).map((e) => (e as { progress: number }).progress),
          [1 / 3, 2 / 3, 1],
        );
        assert.deepEqual(events.at(-1), done);
        await checkOutput(done, ['mp4', 'webm']);
      });
    });
  }

  it('rejects a format it does not make with a 422 naming the field', async () => {
    const reply = await call(h.sandbox.url, '/run/sandbox/video', {
      body: { prompt: 'x', format: 'gif' },
      key: 'video:key',
    });
    assert.equal(reply.status, 422, reply.text);
    assert.deepEqual(reply.json.detail[0].loc, ['body', 'format']);
  });

  it('is in the catalogue as text-to-video, with its VideoFile schema in its OpenAPI', async () => {
    const found = await call(h.sandbox.url, '/api/v1/models?q=video&expand=openapi-3.0', { key: null });
    const model = found.json.models.find((m: { endpoint_id: string }) => m.endpoint_id === 'sandbox/video');
    assert.ok(model, found.text);
    assert.equal(model.metadata.category, 'text-to-video');
    assert.ok(model.openapi.components.schemas.VideoFile.properties.duration);
  });

  it("is priced per video second, which its output counts from the clip's duration", async () => {
    const [price] = await h.client.pricing('sandbox/video');
    assert.deepEqual(price, {
      endpoint_id: 'sandbox/video',
      unit_price: 0.05,
      unit: 'video_second',
      currency: 'USD',
    });
    const { data } = await h.client.run('sandbox/video', {
      input: { prompt: 'a paper boat', format: 'mp4' },
    });
    assert.equal(estimateCallCost(price, data)?.text, '$0.10 (2 video seconds × $0.05)');
    const historical = await h.client.estimateCost({
      estimate_type: 'historical_api_price',
      endpoints: { 'sandbox/video': { call_quantity: 10 } },
    });
    assert.equal(historical.total_cost, 1, 'ten calls of a 2 s clip');
  });

  describe('the clips served', () => {
    let files: Record<'mp4' | 'webm', Buffer>;
    before(async () => {
      const result = await h.client.run('sandbox/video', { input: { prompt: 'a paper boat' } });
      const [mp4, webm] = (result.data as VideoOutput).videos;
      files = { mp4: (await bytesOf(mp4.url)).bytes, webm: (await bytesOf(webm.url)).bytes };
    });

    it('the MP4 is H.264 video only, its index before its data (faststart)', () => {
      const { top, tracks } = describeMp4(files.mp4);
      assert.equal(top[0], 'ftyp');
      assert.ok(top.indexOf('moov') < top.indexOf('mdat'), top.join(' '));
      assert.deepEqual(tracks, [{ handler: 'vide', entries: ['avc1'] }]);
    });

    it('the WebM is EBML (Matroska, doctype webm) naming V_VP8 and no audio codec', () => {
      assert.ok(files.webm.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])));
      const text = files.webm.toString('latin1');
      assert.ok(text.includes('webm'), 'DocType webm');
      assert.ok(text.includes('V_VP8'), 'CodecID V_VP8');
      assert.ok(!/A_(AAC|VORBIS|OPUS|MPEG)/.test(text), 'no audio codec');
    });
  });
});

describe('sandbox: Range requests on stored files', () => {
  const h = useSandboxClient();
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  let url: string;
  before(() => {
    url = h.sandbox.context.files.put(data, 'application/octet-stream', 'bytes.bin');
  });

  async function get(range?: string, extra: Record<string, string> = {}, method = 'GET') {
    const res = await fetch(url, { method, headers: { ...(range ? { range } : {}), ...extra } });
    return { res, body: Buffer.from(await res.arrayBuffer()) };
  }

  it('says it takes byte ranges, and sends the whole file without one', async () => {
    const { res, body } = await get();
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('accept-ranges'), 'bytes');
    assert.equal(res.headers.get('content-length'), '1000');
    assert.ok(body.equals(data));
  });

  for (const [range, start, end] of [
    ['bytes=0-99', 0, 99],
    ['bytes=990-', 990, 999],
    ['bytes=-10', 990, 999],
    ['bytes=500-500', 500, 500],
    ['bytes=900-5000', 900, 999],
  ] as const) {
    it(`answers ${range} with 206 and bytes ${start}-${end}`, async () => {
      const { res, body } = await get(range);
      assert.equal(res.status, 206);
      assert.equal(res.headers.get('content-range'), `bytes ${start}-${end}/1000`);
      assert.equal(res.headers.get('content-length'), String(end - start + 1));
      assert.equal(res.headers.get('content-type'), 'application/octet-stream');
      assert.ok(body.equals(data.subarray(start, end + 1)));
    });
  }

  it('answers 416 with bytes */size when no byte is in range', async () => {
    const { res, body } = await get('bytes=1000-');
    assert.equal(res.status, 416);
    assert.equal(res.headers.get('content-range'), 'bytes */1000');
    assert.match(JSON.parse(body.toString()).detail, /outside the file's 1000 bytes/);
  });

  it('sends the whole file for a malformed Range, several ranges, or an If-Range of another version', async () => {
    for (const [range, extra] of [
      ['items=0-9', {}],
      ['bytes=abc', {}],
      ['bytes=0-9,500-509', {}],
      ['bytes=0-9', { 'if-range': '"another-version"' }],
    ] as const) {
      const { res, body } = await get(range, extra);
      assert.equal(res.status, 200, range);
      assert.ok(body.equals(data), range);
    }
  });

  it('honours If-Range naming this file (its ETag), and HEAD answers the range without a body', async () => {
    const etag = (await get()).res.headers.get('etag')!;
    assert.equal((await get('bytes=0-9', { 'if-range': etag })).res.status, 206);
    const head = await get('bytes=10-19', {}, 'HEAD');
    assert.equal(head.res.status, 206);
    assert.equal(head.res.headers.get('content-range'), 'bytes 10-19/1000');
    assert.equal(head.body.length, 0);
  });

  it('lets a player read the MP4 it served in pieces', async () => {
    const result = await h.client.run('sandbox/video', { input: { prompt: 'seek', format: 'mp4' } });
    const video = (result.data as VideoOutput).video;
    const whole = committed('mp4');
    const first = await fetch(video.url, { headers: { range: 'bytes=0-1023' } });
    const rest = await fetch(video.url, { headers: { range: 'bytes=1024-' } });
    assert.deepEqual([first.status, rest.status], [206, 206]);
    assert.equal(rest.headers.get('content-range'), `bytes 1024-${whole.length - 1}/${whole.length}`);
    assert.equal(first.headers.get('content-type'), 'video/mp4');
    const joined = Buffer.concat([
      Buffer.from(await first.arrayBuffer()),
      Buffer.from(await rest.arrayBuffer()),
    ]);
    assert.ok(joined.equals(whole));
  });
});
