// `sandbox/text`: a deterministic "language model" for streaming; its stream sends growing
// `{output, partial: true}` events, then `{output}`.
import { hashSeed, prng, sleep, type EndpointCall, type SandboxEndpoint } from './types';

const WORDS = [
  'the',
  'sandbox',
  'answers',
  'quietly',
  'with',
  'words',
  'drawn',
  'from',
  'a',
  'seeded',
  'list',
];
const TOKEN_MS = 5;

async function* tokens(raw: Record<string, unknown>, call: EndpointCall): AsyncGenerator<string> {
  const prompt = String(raw.prompt);
  const maxTokens = Number(raw.max_tokens);
  const rand = prng(hashSeed(prompt));
  call.log(`Generating ${maxTokens} token(s)`);
  for (let i = 0; i < maxTokens; i++) {
    await sleep(TOKEN_MS, call.signal);
    yield (i === 0 ? '' : ' ') + WORDS[Math.floor(rand() * WORDS.length)];
  }
}

export const textEndpoint: SandboxEndpoint = {
  id: 'sandbox/text',
  metadata: {
    display_name: 'Sandbox Text',
    category: 'llm',
    description: 'Generates deterministic text from a prompt, token by token when streamed.',
    status: 'active',
    tags: ['sandbox', 'text', 'llm', 'stream'],
  },
  input: {
    title: 'TextInput',
    type: 'object',
    properties: {
      prompt: { title: 'Prompt', type: 'string', description: 'What to write about.', examples: ['Hello'] },
      max_tokens: {
        title: 'Max Tokens',
        type: 'integer',
        description: 'How many tokens to generate.',
        default: 16,
        minimum: 1,
        maximum: 512,
      },
    },
    'x-fal-order-properties': ['prompt', 'max_tokens'],
    required: ['prompt'],
  },
  output: {
    title: 'TextOutput',
    type: 'object',
    properties: { output: { title: 'Output', type: 'string', description: 'The generated text.' } },
    'x-fal-order-properties': ['output'],
    required: ['output'],
  },
  async run(input, call) {
    let output = '';
    for await (const token of tokens(input, call)) output += token;
    return { output };
  },
  async *stream(input, call) {
    let output = '';
    for await (const token of tokens(input, call)) {
      output += token;
      yield { output, partial: true };
    }
    yield { output };
  },
};
