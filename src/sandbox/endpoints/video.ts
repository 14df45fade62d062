// `sandbox/video`: text-to-video stand-in returning real, playable clips (media/sandbox, see
// clips.ts): an H.264 MP4, a VP8 WebM, or both, each stored anew under `/files/` per call, as fal's
// video models return `{video: File}`. Its stream sends one progress event per step, then the output.
import { CLIPS, clipBytes, type ClipFormat } from './clips';
import {
  FILE_SCHEMA,
  inferenceSteps,
  lastEvent,
  ref,
  STEPS_PROPERTY,
  type EndpointCall,
  type SandboxEndpoint,
} from './types';

const FORMATS: Record<string, readonly ClipFormat[]> = {
  mp4: ['mp4'],
  webm: ['webm'],
  both: ['mp4', 'webm'],
};

async function* generate(input: Record<string, unknown>, call: EndpointCall): AsyncGenerator<unknown> {
  const prompt = String(input.prompt);
  const formats = FORMATS[String(input.format)];
  const steps = Number(input.num_inference_steps);
  const started = Date.now();
  call.log(`Generating ${formats.join(' and ')} video for "${prompt}"`);
  yield* inferenceSteps(steps, call);
  const videos = [];
  for (const format of formats) {
    const clip = CLIPS[format];
    const bytes = await clipBytes(format);
    const name = `video.${format}`;
    videos.push({
      url: call.ctx.files.put(bytes, clip.contentType, name),
      content_type: clip.contentType,
      file_name: name,
      file_size: bytes.length,
      width: clip.width,
      height: clip.height,
      fps: clip.fps,
      num_frames: clip.numFrames,
      duration: clip.duration,
    });
  }
  yield { video: videos[0], videos, prompt, timings: { inference: (Date.now() - started) / 1000 } };
}

export const videoEndpoint: SandboxEndpoint = {
  id: 'sandbox/video',
  price: { unit: 'video_second', unit_price: 0.05 },
  metadata: {
    display_name: 'Sandbox Video',
    category: 'text-to-video',
    description: 'Returns a 2 s test-pattern clip as an H.264 MP4, a VP8 WebM, or both.',
    status: 'active',
    tags: ['sandbox', 'video', 'mp4', 'webm'],
  },
  input: {
    title: 'VideoInput',
    type: 'object',
    properties: {
      prompt: {
        title: 'Prompt',
        type: 'string',
        description: 'The prompt to generate a video from (the clip is the same for every prompt).',
        examples: ['A paper boat drifting down a stream'],
        minLength: 1,
      },
      format: {
        title: 'Format',
        type: 'string',
        enum: Object.keys(FORMATS),
        description: 'MP4 (H.264), WebM (VP8), or both; `video` is the first of `videos`.',
        default: 'both',
      },
      num_inference_steps: STEPS_PROPERTY,
    },
    'x-fal-order-properties': ['prompt', 'format', 'num_inference_steps'],
    required: ['prompt'],
  },
  output: {
    title: 'VideoOutput',
    type: 'object',
    properties: {
      video: { ...ref('VideoFile'), description: 'The generated video (the MP4 when both were asked for).' },
      videos: {
        title: 'Videos',
        type: 'array',
        items: ref('VideoFile'),
        description: 'Every generated video, one per format.',
      },
      prompt: { title: 'Prompt', type: 'string' },
      timings: { title: 'Timings', type: 'object', additionalProperties: { type: 'number' } },
    },
    'x-fal-order-properties': ['video', 'videos', 'prompt', 'timings'],
    required: ['video', 'videos', 'prompt', 'timings'],
  },
  components: {
    VideoFile: {
      ...FILE_SCHEMA,
      title: 'VideoFile',
      properties: {
        ...(FILE_SCHEMA.properties as Record<string, unknown>),
        width: { title: 'Width', type: 'integer', description: 'Width of the video in pixels.' },
        height: { title: 'Height', type: 'integer', description: 'Height of the video in pixels.' },
        fps: { title: 'Fps', type: 'number', description: 'Frames per second.' },
        num_frames: { title: 'Num Frames', type: 'integer', description: 'Number of frames.' },
        duration: { title: 'Duration', type: 'number', description: 'Length in seconds.' },
      },
      'x-fal-order-properties': [
        'url',
        'content_type',
        'file_name',
        'file_size',
        'width',
        'height',
        'fps',
        'num_frames',
        'duration',
      ],
    },
  },
  run: (input, call) => lastEvent(generate(input, call)),
  stream: generate,
};
