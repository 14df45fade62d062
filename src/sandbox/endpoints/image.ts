// `sandbox/image`: text-to-image as fal's image models answer it. Real PNGs (pngjs) drawn
// deterministically from prompt and seed, about 40 ms a step with a log line each, served under
// `/files/`. `renderImage` is shared with the realtime handler.
import { PNG } from 'pngjs';
import {
  IMAGE_SCHEMA,
  hashSeed,
  inferenceSteps,
  lastEvent,
  prng,
  ref,
  STEPS_PROPERTY,
  type EndpointCall,
  type JsonSchema,
  type SandboxEndpoint,
} from './types';

export interface RenderOptions {
  prompt: string;
  seed: number;
  width: number;
  height: number;
}

/** PNG bytes of a picture that depends only on prompt, seed and size. */
export function renderImage(opts: RenderOptions): Buffer {
  const { width, height } = opts;
  const rand = prng(hashSeed(`${opts.prompt}\u0000${opts.seed}`));
  const colour = () => [Math.floor(rand() * 256), Math.floor(rand() * 256), Math.floor(rand() * 256)];
  const [top, bottom] = [colour(), colour()];
  const circles = Array.from({ length: 3 + Math.floor(rand() * 4) }, () => ({
    x: rand() * width,
    y: rand() * height,
    r: (0.08 + rand() * 0.25) * Math.min(width, height),
    c: colour(),
  }));
  const png = new PNG({ width, height });
  const data = png.data;
  for (let y = 0; y < height; y++) {
    const t = height > 1 ? y / (height - 1) : 0;
    for (let x = 0; x < width; x++) {
      let r = top[0] + (bottom[0] - top[0]) * t;
      let g = top[1] + (bottom[1] - top[1]) * t;
      let b = top[2] + (bottom[2] - top[2]) * t;
      for (const c of circles) {
        const dx = x - c.x;
        const dy = y - c.y;
        if (dx * dx + dy * dy < c.r * c.r) {
          r = (r + c.c[0]) / 2;
          g = (g + c.c[1]) / 2;
          b = (b + c.c[2]) / 2;
        }
      }
      const i = (y * width + x) * 4;
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
      data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

export const IMAGE_SIZES: Record<string, { width: number; height: number }> = {
  square_hd: { width: 1024, height: 1024 },
  square: { width: 512, height: 512 },
  portrait_4_3: { width: 768, height: 1024 },
  landscape_16_9: { width: 1024, height: 576 },
};

interface ImageInput {
  prompt: string;
  image_size: string | { width: number; height: number };
  num_images: number;
  seed?: number;
  num_inference_steps: number;
}

function sizeOf(size: ImageInput['image_size']): { width: number; height: number } {
  return typeof size === 'string' ? IMAGE_SIZES[size] : { width: size.width, height: size.height };
}

async function* generate(raw: Record<string, unknown>, call: EndpointCall): AsyncGenerator<unknown> {
  const input = raw as unknown as ImageInput;
  const seed = input.seed ?? Math.floor(Math.random() * 2 ** 31);
  const { width, height } = sizeOf(input.image_size);
  const steps = input.num_inference_steps;
  const started = Date.now();
  call.log(`Generating ${input.num_images} image(s) of ${width}x${height} with seed ${seed}`);
  yield* inferenceSteps(steps, call);
  const images = Array.from({ length: input.num_images }, (_, i) => {
    const png = renderImage({ prompt: input.prompt, seed: seed + i, width, height });
    const url = call.ctx.files.put(png, 'image/png', `image-${i}.png`);
    return { url, width, height, content_type: 'image/png' };
  });
  yield { images, seed, prompt: input.prompt, timings: { inference: (Date.now() - started) / 1000 } };
}

const input: JsonSchema = {
  title: 'ImageInput',
  type: 'object',
  properties: {
    prompt: {
      title: 'Prompt',
      type: 'string',
      description: 'The prompt to generate an image from.',
      examples: ['A lighthouse on a cliff at sunset'],
      minLength: 1,
    },
    image_size: {
      title: 'Image Size',
      description: 'The size of the generated image.',
      default: 'square',
      anyOf: [ref('ImageSize'), { type: 'string', enum: Object.keys(IMAGE_SIZES) }],
    },
    num_images: {
      title: 'Number of Images',
      type: 'integer',
      description: 'The number of images to generate.',
      default: 1,
      minimum: 1,
      maximum: 4,
    },
    seed: {
      title: 'Seed',
      type: 'integer',
      description: 'The same seed and prompt give the same image every time.',
      minimum: 0,
    },
    num_inference_steps: STEPS_PROPERTY,
  },
  'x-fal-order-properties': ['prompt', 'image_size', 'num_images', 'seed', 'num_inference_steps'],
  required: ['prompt'],
};

const output: JsonSchema = {
  title: 'ImageOutput',
  type: 'object',
  properties: {
    images: { title: 'Images', type: 'array', items: ref('Image'), description: 'The generated images.' },
    seed: { title: 'Seed', type: 'integer', description: 'The seed used.' },
    prompt: { title: 'Prompt', type: 'string' },
    timings: { title: 'Timings', type: 'object', additionalProperties: { type: 'number' } },
  },
  'x-fal-order-properties': ['images', 'seed', 'prompt', 'timings'],
  required: ['images', 'seed', 'prompt', 'timings'],
};

export const imageEndpoint: SandboxEndpoint = {
  id: 'sandbox/image',
  price: { unit: 'image', unit_price: 0.025 },
  metadata: {
    display_name: 'Sandbox Image',
    category: 'text-to-image',
    description: 'Draws a deterministic PNG from a prompt and a seed, about 40 ms per step.',
    status: 'active',
    tags: ['sandbox', 'image', 'png'],
  },
  input,
  output,
  components: {
    ImageSize: {
      title: 'ImageSize',
      type: 'object',
      properties: {
        width: { title: 'Width', type: 'integer', default: 512, minimum: 16, maximum: 2048 },
        height: { title: 'Height', type: 'integer', default: 512, minimum: 16, maximum: 2048 },
      },
      'x-fal-order-properties': ['width', 'height'],
    },
    Image: IMAGE_SCHEMA,
  },
  run: (raw, call) => lastEvent(generate(raw, call)),
  stream: generate,
};
