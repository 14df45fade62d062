// `sandbox/burst`: its stream sends `events` small events at once, all of one shape (`{index, token}`,
// as an LLM's tokens are), then `{events}`. A load for what consumes a stream: the stream figure of
// `npm run bench`, the output channel, the playground. sandbox/echo can send a burst too, but its
// events come from the keys of its input, which it sends back whole as the last event: a burst of
// 20,000 carries 600 KB of input and output around the events, each of a shape of its own.
import { JsonEvent, type SandboxEndpoint } from './types';

const DEFAULT_EVENTS = 1000;
const MAX_EVENTS = 100_000;
const TOKENS = ['the', 'sandbox', 'streams', 'small', 'events', 'in', 'one', 'burst'];

function eventCount(input: Record<string, unknown>): number {
  return Number(input.events ?? DEFAULT_EVENTS);
}

export const burstEndpoint: SandboxEndpoint = {
  id: 'sandbox/burst',
  metadata: {
    display_name: 'Sandbox Burst',
    category: 'utility',
    description: 'Streams many small events at once; a load for stream consumers.',
    status: 'active',
    tags: ['sandbox', 'stream', 'load'],
  },
  input: {
    title: 'BurstInput',
    type: 'object',
    properties: {
      events: {
        title: 'Events',
        type: 'integer',
        description: 'How many events the stream sends before its output.',
        default: DEFAULT_EVENTS,
        minimum: 1,
        maximum: MAX_EVENTS,
      },
    },
    'x-fal-order-properties': ['events'],
  },
  output: {
    title: 'BurstOutput',
    type: 'object',
    properties: {
      events: { title: 'Events', type: 'integer', description: 'How many events the stream sent.' },
    },
    'x-fal-order-properties': ['events'],
    required: ['events'],
  },
  async run(input, call) {
    const events = eventCount(input);
    call.log(`A burst of ${events} event(s) is sent by /stream only`);
    return { events };
  },
  // Written as JSON text (no object to build and stringify per event), from a synchronous generator.
  *stream(input, call) {
    const events = eventCount(input);
    call.log(`Streaming ${events} event(s)`);
    for (let i = 0; i < events; i++)
      yield new JsonEvent(`{"index":${i},"token":${JSON.stringify(TOKENS[i % TOKENS.length])}}`);
    yield { events };
  },
};
