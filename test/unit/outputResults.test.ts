// The pure pieces of the playground's result view: which values of an output are media or text, the
// names saved outputs get, JSON paths, the timings, and where the page may load media from (the CSP's
// sources, with fal's hosts, the user's and a sandbox's mapped origin, never a wildcard).
import * as assert from 'node:assert/strict';
import { callTimings, describeTimings } from '../../src/common/callTimings';
import { contentTypeOfName, extensionOfContentType } from '../../src/common/contentTypes';
import { jsonPathText } from '../../src/common/jsonPath';
import {
  cspAllows,
  cspMediaSources,
  cspSourceOfBase,
  isLoopbackUrl,
  mediaHostsOf,
  mediaSourceOf,
  normalizeMediaHost,
} from '../../src/common/mediaSources';
import { outputFileName } from '../../src/common/outputFileNames';
import { findOutputMedia, findOutputText, formatSize, MAX_OUTPUT_TEXTS } from '../../src/common/outputMedia';
import { playgroundHtml } from '../../src/playground/playgroundHtml';

describe('output media and text', () => {
  it("finds fal's File objects wherever they sit, with their type, name, size and dimensions", () => {
    const media = findOutputMedia({
      images: [
        { url: 'https://v3.fal.media/files/a/b.png', content_type: 'image/png', width: 512, height: 256 },
        {
          url: 'https://v3.fal.media/files/a/c',
          content_type: 'image/jpeg',
          file_name: 'cat.jpg',
          file_size: 2048,
        },
      ],
      result: { video: { url: 'http://127.0.0.1:9/files/v.mp4', content_type: 'video/mp4' } },
      audio: { url: 'data:audio/wav;base64,AAAA', content_type: 'audio/wav' },
      mesh: { url: 'https://fal.media/files/m.glb', content_type: 'model/gltf-binary', file_name: 'm.glb' },
    });
    assert.deepEqual(
      media.map((m) => [m.path, m.kind, m.name, m.contentType]),
      [
        [['images', 0], 'image', 'b.png', 'image/png'],
        [['images', 1], 'image', 'cat.jpg', 'image/jpeg'],
        [['result', 'video'], 'video', 'v.mp4', 'video/mp4'],
        [['audio'], 'audio', 'output', 'audio/wav'],
        [['mesh'], 'file', 'm.glb', 'model/gltf-binary'],
      ],
    );
    assert.equal(media[0].width, 512);
    assert.equal(media[1].size, 2048);
  });

  it('takes bare media URLs by extension or data URL type, and leaves other strings and links alone', () => {
    const media = findOutputMedia({
      preview: 'https://h/x/a%20b.webp?sig=1',
      clip: 'https://h/x/out.webm',
      frame: 'data:image/png;base64,AAAA',
      page: 'https://example.com/docs',
      text: 'a.png is a file name, not a URL',
      link: { url: 'https://example.com/about' },
    });
    assert.deepEqual(
      media.map((m) => [m.path[0], m.kind, m.name]),
      [
        ['preview', 'image', 'a b.webp'],
        ['clip', 'video', 'out.webm'],
        ['frame', 'image', 'output'],
      ],
    );
    assert.deepEqual(findOutputMedia(undefined), []);
    assert.deepEqual(findOutputMedia({ url: 'javascript:alert(1)', content_type: 'image/png' }), []);
  });

  it('never takes a javascript:, data:text/html or other non-media URL as media, whatever its content_type', () => {
    const hostile = [
      'javascript:window.__pwned=1',
      'JavaScript:alert(1)//.png',
      'data:text/html,<script>window.__pwned=1</script>',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'data:application/xhtml+xml,<x/>',
      'file:///etc/passwd.png',
      'command:fal.clearApiKey',
      'vbscript:msgbox(1)',
    ];
    const output = {
      files: hostile.map((url) => ({ url, content_type: 'image/png', file_name: 'a.png' })),
      bare: hostile,
    };
    assert.deepEqual(findOutputMedia(output), []);
  });

  it('finds the text of an output: a string output, or its top-level strings that are not URLs', () => {
    assert.deepEqual(findOutputText('hello'), [{ key: '', text: 'hello' }]);
    assert.deepEqual(findOutputText({ output: 'An answer.', url: 'https://h/a.png', seed: 1, empty: ' ' }), [
      { key: 'output', text: 'An answer.' },
    ]);
    assert.deepEqual(findOutputText([1, 2]), []);
    // An output of thousands of strings gives its first MAX_OUTPUT_TEXTS (the JSON tree has the rest).
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, `text ${i}`]));
    const found = findOutputText(many);
    assert.equal(found.length, MAX_OUTPUT_TEXTS);
    assert.deepEqual(found.at(-1), { key: `k${MAX_OUTPUT_TEXTS - 1}`, text: `text ${MAX_OUTPUT_TEXTS - 1}` });
  });

  it('says sizes as people read them', () => {
    assert.equal(formatSize(512), '512 bytes');
    assert.equal(formatSize(2_500_000), '2.4 MB');
    assert.equal(formatSize(50 * 1024), '50 KB');
  });
});

describe('output file names', () => {
  it('names a saved output from the endpoint id, the request id and its number, with its extension', () => {
    assert.equal(outputFileName('sandbox/image', 'req-1', 1, { name: 'x.png' }), 'sandbox-image-req-1-1.png');
    assert.equal(
      outputFileName('fal-ai/flux/dev', 'abc', 2, { name: 'output', contentType: 'image/jpeg' }),
      'fal-ai-flux-dev-abc-2.jpg',
    );
    assert.equal(outputFileName('o/a', 'r', 3, { name: 'noext' }), 'o-a-r-3.bin');
    assert.equal(outputFileName('o/a', '../../etc', 1, { name: 'x.png/../..' }), 'o-a-.._.._etc-1.bin');
    assert.ok(!outputFileName('o/a', 'a b\\c', 1, { name: 'p.png' }).match(/[\s\\/]/));
  });

  it('maps extensions and content types both ways', () => {
    assert.equal(contentTypeOfName('clip.MP4'), 'video/mp4');
    assert.equal(extensionOfContentType('audio/x-wav'), 'wav');
    assert.equal(extensionOfContentType('image/jpeg; q=1'), 'jpg');
    assert.equal(extensionOfContentType('application/x-unknown'), undefined);
  });
});

describe('JSON paths', () => {
  it('writes a place in a value as a JSONPath', () => {
    assert.equal(jsonPathText([]), '$');
    assert.equal(jsonPathText(['images', 0, 'url']), '$.images[0].url');
    assert.equal(jsonPathText(['odd key', "it's"]), "$['odd key']['it\\'s']");
  });
});

describe('call timings', () => {
  it('reads round trip, time in queue and inference time from a record', () => {
    const t = callTimings(
      {
        createdAt: 1000,
        completedAt: 2234,
        queue: { enteredAt: 1010, leftAt: 1110, positionChangedAt: 1010, positionChanges: 0 },
        metrics: { inference_time: 0.98 },
      },
      9999,
    );
    assert.deepEqual(t, { roundTripMs: 1234, queueMs: 100, inferenceSeconds: 0.98 });
    assert.equal(describeTimings(t), 'Round trip 1.23 s · In queue 0.10 s · Inference 0.98 s');
    assert.deepEqual(callTimings({ createdAt: 1000, metrics: { inference_time: null } }, 1500), {
      roundTripMs: 500,
    });
  });
});

describe('media sources', () => {
  it("allows fal's media hosts, the user's hosts, and marks loopback, inline and foreign URLs", () => {
    assert.deepEqual(mediaSourceOf('https://v3.fal.media/files/a.png', []), { kind: 'allowed' });
    assert.deepEqual(mediaSourceOf('https://fal.media/files/a.png', []), { kind: 'allowed' });
    assert.deepEqual(mediaSourceOf('https://storage.googleapis.com/falserverless/x/a.png', []), {
      kind: 'allowed',
    });
    assert.deepEqual(mediaSourceOf('https://storage.googleapis.com/other-bucket/a.png', []), {
      kind: 'foreign',
      host: 'storage.googleapis.com',
      https: true,
    });
    assert.deepEqual(mediaSourceOf('https://evil.fal.media.example.com/a.png', []).kind, 'foreign');
    assert.deepEqual(mediaSourceOf('http://fal.media/a.png', []), {
      kind: 'foreign',
      host: 'fal.media',
      https: false,
    });
    assert.deepEqual(mediaSourceOf('https://cdn.example.com/a.png', ['cdn.example.com']), {
      kind: 'allowed',
    });
    assert.deepEqual(mediaSourceOf('https://a.example.com/a.png', ['*.example.com']), { kind: 'allowed' });
    assert.deepEqual(mediaSourceOf('http://127.0.0.1:4000/files/a.png', []), { kind: 'local' });
    assert.deepEqual(mediaSourceOf('http://localhost:4000/files/a.png', []), { kind: 'local' });
    assert.deepEqual(mediaSourceOf('data:image/png;base64,AA', []), { kind: 'inline' });
    assert.equal(mediaSourceOf('data:text/html,<script>x</script>', []).kind, 'foreign');
    assert.equal(mediaSourceOf('javascript:alert(1)', []).kind, 'foreign');
    assert.equal(isLoopbackUrl('http://127.0.0.1.example.com/'), false);
  });

  it('keeps only host names in fal.mediaHosts, so the setting can never widen the CSP otherwise', () => {
    assert.equal(normalizeMediaHost(' CDN.Example.com '), 'cdn.example.com');
    assert.equal(normalizeMediaHost('*.example.com'), '*.example.com');
    assert.equal(normalizeMediaHost('example.com:8443'), 'example.com:8443');
    for (const bad of ['x; script-src *', '*', 'https://example.com', 'a b', "'self'", '', 42])
      assert.equal(normalizeMediaHost(bad), undefined, String(bad));
    assert.deepEqual(mediaHostsOf(['a.com', 'A.com', 'bad host', 7]), ['a.com']);
    assert.deepEqual(mediaHostsOf('a.com'), []);
  });

  it('turns a mapped sandbox base into one CSP source, path included', () => {
    assert.equal(cspSourceOfBase('http://127.0.0.1:8080/proxy/41234/'), 'http://127.0.0.1:8080/proxy/41234/');
    assert.equal(cspSourceOfBase('http://127.0.0.1:41234/'), 'http://127.0.0.1:41234');
    assert.equal(cspSourceOfBase('https://x.example/p;script-src/'), undefined);
    assert.equal(cspSourceOfBase('file:///etc/'), undefined);
  });

  it('matches URLs against CSP sources as a browser does (scheme, host, *., port, path)', () => {
    const sources = [
      'data:',
      'https://*.fal.media',
      'http://127.0.0.1:8080/proxy/41234/',
      'http://127.0.0.1:5000',
    ];
    assert.equal(cspAllows(sources, 'data:image/png;base64,AA'), true);
    assert.equal(cspAllows(sources, 'https://v3.fal.media/a.png'), true);
    assert.equal(cspAllows(sources, 'https://fal.media/a.png'), false);
    assert.equal(cspAllows(sources, 'http://127.0.0.1:8080/proxy/41234/files/a.png'), true);
    assert.equal(cspAllows(sources, 'http://127.0.0.1:8080/proxy/41235/files/a.png'), false);
    assert.equal(cspAllows(sources, 'http://127.0.0.1:5000/files/a.png'), true);
    assert.equal(cspAllows(sources, 'http://127.0.0.1:5001/files/a.png'), false);
    assert.equal(cspAllows(sources, 'blob:https://x/1'), false);
  });

  it("builds the page's img-src and media-src from the list: no https: and no loopback wildcard", () => {
    const sources = cspMediaSources(
      'https://webview.source',
      ['http://127.0.0.1:8080/proxy/41234/'],
      ['cdn.example.com', 'x; script-src *'],
    );
    assert.deepEqual(sources, [
      'https://webview.source',
      'data:',
      'blob:',
      'http://127.0.0.1:8080/proxy/41234/',
      'https://fal.media',
      'https://*.fal.media',
      'https://storage.googleapis.com/falserverless/',
      'https://cdn.example.com',
    ]);
    const html = playgroundHtml({
      cspSource: 'https://webview.source',
      nonce: 'n0nce',
      scriptUri: 'https://webview.source/p.js',
      styleUri: 'https://webview.source/p.css',
      mediaSources: sources,
    });
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    const imgSrc = /img-src ([^;]+)/.exec(csp)?.[1].split(' ') ?? [];
    assert.deepEqual(imgSrc, sources);
    assert.match(csp, new RegExp(`media-src ${sources.join(' ').replace(/[.*/]/g, '\\$&')}`));
    assert.ok(!/ https: | http:\/\/127\.0\.0\.1:\*|localhost:\*/.test(csp), csp);
  });
});
