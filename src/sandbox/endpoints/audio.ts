// `sandbox/audio`: text-to-speech stand-in returning a real WAV (16-bit mono PCM sine tone whose
// pitch comes from the text), served under `/files/`.
import { FILE_SCHEMA, hashSeed, ref, sleep, type SandboxEndpoint } from './types';

const SAMPLE_RATE = 16000;

/** A 16-bit mono PCM WAV of a sine tone: a 44-byte RIFF header, then the samples. */
export function renderWav(frequency: number, durationS: number, sampleRate = SAMPLE_RATE): Buffer {
  const samples = Math.round(durationS * sampleRate);
  const dataSize = samples * 2;
  const wav = Buffer.alloc(44 + dataSize);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataSize, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28); // byte rate
  wav.writeUInt16LE(2, 32); // block align
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataSize, 40);
  for (let i = 0; i < samples; i++) {
    const fade = Math.min(1, i / 400, (samples - i) / 400);
    wav.writeInt16LE(
      Math.round(Math.sin((2 * Math.PI * frequency * i) / sampleRate) * 12000 * fade),
      44 + i * 2,
    );
  }
  return wav;
}

export const audioEndpoint: SandboxEndpoint = {
  id: 'sandbox/audio',
  price: { unit: 'second', unit_price: 0.002 },
  metadata: {
    display_name: 'Sandbox Audio',
    category: 'text-to-speech',
    description: 'Turns text into a WAV tone whose pitch depends on the text.',
    status: 'active',
    tags: ['sandbox', 'audio', 'wav'],
  },
  input: {
    title: 'AudioInput',
    type: 'object',
    properties: {
      text: { title: 'Text', type: 'string', description: 'The text to "speak".', examples: ['Hello there'] },
      duration_s: {
        title: 'Duration (s)',
        type: 'number',
        description: 'Length of the audio in seconds.',
        default: 1,
        minimum: 0.1,
        maximum: 30,
      },
    },
    'x-fal-order-properties': ['text', 'duration_s'],
    required: ['text'],
  },
  output: {
    title: 'AudioOutput',
    type: 'object',
    properties: { audio: { ...ref('AudioFile'), description: 'The generated audio.' } },
    'x-fal-order-properties': ['audio'],
    required: ['audio'],
  },
  components: {
    AudioFile: {
      ...FILE_SCHEMA,
      title: 'AudioFile',
      properties: {
        ...(FILE_SCHEMA.properties as Record<string, unknown>),
        duration: { title: 'Duration', type: 'number', description: 'Length in seconds.' },
      },
      'x-fal-order-properties': ['url', 'content_type', 'file_name', 'file_size', 'duration'],
    },
  },
  async run(input, call) {
    const text = String(input.text);
    const duration = Number(input.duration_s);
    const frequency = 220 + (hashSeed(text) % 660);
    call.log(`Rendering ${duration} s at ${frequency} Hz`);
    await sleep(20, call.signal);
    const wav = renderWav(frequency, duration);
    const url = call.ctx.files.put(wav, 'audio/wav', 'audio.wav');
    return {
      audio: { url, content_type: 'audio/wav', file_name: 'audio.wav', file_size: wav.length, duration },
    };
  },
};
