// `sandbox/compose`: an endpoint whose input exercises every kind of control the playground's form
// draws (src/common/schemaForm.ts): long-text prompt, short text, integer and number ranges,
// booleans, an enum, `image_size` as fal's flux writes it (a `$ref` or a preset), a nested object,
// a LoRA-like array of objects, an array of strings, image/audio/video file fields and a field fal's
// SDK hides (`ui: {hidden: true}`). Its output echoes the input it got (defaults filled in) with a
// one-line summary; bad input is a fal-style 422 from the sandbox's validation.
import { IMAGE_SIZES } from './image';
import { ref, type JsonSchema, type SandboxEndpoint } from './types';

const input: JsonSchema = {
  title: 'ComposeInput',
  type: 'object',
  properties: {
    prompt: {
      title: 'Prompt',
      type: 'string',
      description: 'What to compose.',
      examples: ['A quiet harbour at dawn, fishing boats, soft mist'],
      minLength: 1,
    },
    title: {
      title: 'Title',
      type: 'string',
      description: 'A short name for the result.',
      maxLength: 80,
      default: '',
    },
    image_size: {
      title: 'Image Size',
      description: 'A preset, or a width and a height.',
      default: 'square',
      anyOf: [ref('ImageSize'), { type: 'string', enum: Object.keys(IMAGE_SIZES) }],
    },
    num_inference_steps: {
      title: 'Num Inference Steps',
      type: 'integer',
      description: 'How many steps to take.',
      default: 8,
      minimum: 1,
      maximum: 50,
    },
    guidance_scale: {
      title: 'Guidance Scale',
      type: 'number',
      description: 'How closely to follow the prompt.',
      default: 3.5,
      minimum: 0,
      maximum: 20,
    },
    seed: {
      title: 'Seed',
      type: 'integer',
      description: 'The same seed and input give the same result.',
      minimum: 0,
    },
    enable_safety_checker: {
      title: 'Enable Safety Checker',
      type: 'boolean',
      description: 'Whether to check the result.',
      default: true,
    },
    output_format: {
      title: 'Output Format',
      type: 'string',
      description: 'The format of the result.',
      enum: ['png', 'jpeg', 'webp'],
      default: 'png',
    },
    style: { ...ref('StyleOptions'), description: 'How it looks.' },
    loras: {
      title: 'Loras',
      type: 'array',
      description: 'LoRA weights to apply, each with its scale.',
      items: ref('LoraWeight'),
      default: [],
    },
    tags: {
      title: 'Tags',
      type: 'array',
      description: 'Words to file the result under.',
      items: { type: 'string' },
      default: [],
    },
    image_url: {
      title: 'Image Url',
      type: 'string',
      description: 'A reference image.',
      ui: { field: 'image' },
    },
    audio_url: {
      title: 'Audio Url',
      type: 'string',
      description: 'A soundtrack.',
      ui: { field: 'audio' },
    },
    video_url: {
      title: 'Video Url',
      type: 'string',
      description: 'A motion reference.',
      ui: { field: 'video' },
    },
    sync_mode: {
      title: 'Sync Mode',
      type: 'boolean',
      description: 'API only: return media inline rather than as URLs.',
      default: false,
      // What fal's SDK emits for `Hidden(Field(default=False))` (fal toolkit/pydantic.py).
      ui: { hidden: true },
    },
  },
  'x-fal-order-properties': [
    'prompt',
    'title',
    'image_size',
    'num_inference_steps',
    'guidance_scale',
    'seed',
    'enable_safety_checker',
    'output_format',
    'style',
    'loras',
    'tags',
    'image_url',
    'audio_url',
    'video_url',
    'sync_mode',
  ],
  required: ['prompt'],
};

const components: Record<string, JsonSchema> = {
  ImageSize: {
    title: 'ImageSize',
    type: 'object',
    properties: {
      width: { title: 'Width', type: 'integer', default: 512, minimum: 16, maximum: 2048 },
      height: { title: 'Height', type: 'integer', default: 512, minimum: 16, maximum: 2048 },
    },
    'x-fal-order-properties': ['width', 'height'],
  },
  StyleOptions: {
    title: 'StyleOptions',
    type: 'object',
    properties: {
      palette: {
        title: 'Palette',
        type: 'string',
        enum: ['vivid', 'muted', 'monochrome'],
        default: 'vivid',
      },
      contrast: { title: 'Contrast', type: 'number', default: 0, minimum: -1, maximum: 1 },
      seamless: { title: 'Seamless', type: 'boolean', default: false },
    },
    'x-fal-order-properties': ['palette', 'contrast', 'seamless'],
  },
  LoraWeight: {
    title: 'LoraWeight',
    type: 'object',
    properties: {
      path: { title: 'Path', type: 'string', description: 'URL or name of the LoRA weights.' },
      scale: {
        title: 'Scale',
        type: 'number',
        description: 'How strongly to apply them.',
        default: 1,
        minimum: 0,
        maximum: 4,
      },
    },
    'x-fal-order-properties': ['path', 'scale'],
    required: ['path'],
  },
};

export const composeEndpoint: SandboxEndpoint = {
  id: 'sandbox/compose',
  metadata: {
    display_name: 'Sandbox Compose',
    category: 'utility',
    description: 'Echoes a rich input (nested, lists, a size union, ranges, media URLs) with a summary.',
    status: 'active',
    tags: ['sandbox', 'form', 'json'],
  },
  input,
  output: {
    title: 'ComposeOutput',
    type: 'object',
    properties: {
      summary: { title: 'Summary', type: 'string', description: 'What was asked, in one line.' },
      input: {
        title: 'Input',
        type: 'object',
        description: 'The input as the endpoint read it, defaults filled in.',
        additionalProperties: true,
      },
    },
    'x-fal-order-properties': ['summary', 'input'],
    required: ['summary', 'input'],
  },
  components,
  async run(received, call) {
    const size = received.image_size as string | { width: number; height: number };
    const { width, height } = typeof size === 'string' ? IMAGE_SIZES[size] : size;
    const loras = received.loras as unknown[];
    const media = ['image_url', 'audio_url', 'video_url'].filter((k) => typeof received[k] === 'string');
    const summary =
      `${width}x${height}, ${String(received.num_inference_steps)} steps, ` +
      `${loras.length} LoRA(s), media: ${media.length > 0 ? media.join(', ') : 'none'}`;
    call.log(`Composing: ${summary}`);
    return { summary, input: received };
  },
};
