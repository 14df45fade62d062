// `sandbox/image-to-image`: reads an image (a sandbox file URL or a data URI; any http(s) URL only
// when the sandbox was started with `--allow-fetch`, so a request cannot make it probe the user's
// network), inverts it blended by `strength` and returns it like `sandbox/image`; exercises file inputs.
import { PNG } from 'pngjs';
import { IMAGE_SCHEMA, fieldError, ref, sleep, type EndpointCall, type SandboxEndpoint } from './types';

/** Largest uploaded file this endpoint reads as an image. */
const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

async function fetchImage(url: string, call: EndpointCall): Promise<Buffer> {
  const data = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(url);
  if (data) {
    if (data[2]) return Buffer.from(data[3], 'base64');
    try {
      return Buffer.from(decodeURIComponent(data[3]), 'latin1');
    } catch {
      throw fieldError('image_url', 'Malformed %-escape in the data URI');
    }
  }
  const base = call.ctx.baseUrl;
  const local = url.startsWith(`${base}/files/`) ? /\/files\/([^/]+)\//.exec(url.slice(base.length)) : null;
  if (local) {
    let bytes: Buffer | undefined;
    try {
      bytes = await call.ctx.files.read(local[1], MAX_IMAGE_BYTES);
    } catch (err) {
      throw fieldError('image_url', `Too large for an image: ${(err as Error).message}`);
    }
    if (!bytes) throw fieldError('image_url', `File not found: ${url}`);
    return bytes;
  }
  if (!/^https?:\/\//.test(url)) throw fieldError('image_url', 'Expected an http(s) URL or a data URI');
  if (!call.ctx.options.allowFetch) {
    throw fieldError(
      'image_url',
      `The sandbox reads only its own files (${base}/files/...) and data URIs, not ${url}: upload the ` +
        `image first, or start the sandbox with --allow-fetch to let it download other URLs.`,
    );
  }
  try {
    const res = await fetch(url, { signal: call.signal });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  } catch (err) {
    if (call.signal.aborted) throw err;
    throw fieldError('image_url', `Could not download the image: ${(err as Error).message}`);
  }
}

export const imageToImageEndpoint: SandboxEndpoint = {
  id: 'sandbox/image-to-image',
  price: { unit: 'image', unit_price: 0.03 },
  metadata: {
    display_name: 'Sandbox Image to Image',
    category: 'image-to-image',
    description: 'Inverts a PNG image (blended by strength); takes a URL or a data URI.',
    status: 'active',
    tags: ['sandbox', 'image', 'png', 'file-input'],
  },
  input: {
    title: 'ImageToImageInput',
    type: 'object',
    properties: {
      image_url: {
        title: 'Image Url',
        type: 'string',
        description: 'URL or data URI of a PNG image to transform.',
        format: 'uri',
        'x-fal-file-input': true,
        contentMediaType: 'image/png',
        examples: ['data:image/png;base64,...'],
      },
      prompt: { title: 'Prompt', type: 'string', description: 'Ignored; kept for shape.', default: '' },
      strength: {
        title: 'Strength',
        type: 'number',
        description: 'How strongly to invert the image (0 keeps it, 1 fully inverts).',
        default: 1,
        minimum: 0,
        maximum: 1,
      },
    },
    'x-fal-order-properties': ['image_url', 'prompt', 'strength'],
    required: ['image_url'],
  },
  output: {
    title: 'ImageToImageOutput',
    type: 'object',
    properties: {
      images: { title: 'Images', type: 'array', items: ref('Image'), description: 'The transformed image.' },
    },
    'x-fal-order-properties': ['images'],
    required: ['images'],
  },
  components: { Image: IMAGE_SCHEMA },
  async run(input, call) {
    const bytes = await fetchImage(String(input.image_url), call);
    let png: PNG;
    try {
      png = PNG.sync.read(bytes);
    } catch {
      throw fieldError('image_url', 'Could not read the image: only PNG is supported');
    }
    const strength = Number(input.strength);
    call.log(`Inverting a ${png.width}x${png.height} image at strength ${strength}`);
    await sleep(20, call.signal);
    const d = png.data;
    for (let i = 0; i < d.length; i += 4) {
      for (let c = 0; c < 3; c++)
        d[i + c] = Math.round(d[i + c] * (1 - strength) + (255 - d[i + c]) * strength);
    }
    const out = PNG.sync.write(png);
    const url = call.ctx.files.put(out, 'image/png', 'image.png');
    return { images: [{ url, width: png.width, height: png.height, content_type: 'image/png' }] };
  },
};
