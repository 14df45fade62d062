// `sandbox/echo`: returns its input unchanged, logs one line; its stream sends one event per
// top-level key, then the whole object. The simplest end-to-end check of every call style.
import { JsonEvent, type SandboxEndpoint } from './types';

export const echoEndpoint: SandboxEndpoint = {
  id: 'sandbox/echo',
  metadata: {
    display_name: 'Sandbox Echo',
    category: 'utility',
    description: 'Returns its input unchanged; its stream sends one event per top-level key.',
    status: 'active',
    tags: ['sandbox', 'echo', 'json'],
  },
  input: {
    title: 'EchoInput',
    type: 'object',
    description: 'Any JSON object; it comes back unchanged.',
    properties: {
      message: { title: 'Message', type: 'string', description: 'Anything to echo.', examples: ['hello'] },
    },
    'x-fal-order-properties': ['message'],
    additionalProperties: true,
  },
  output: {
    title: 'EchoOutput',
    type: 'object',
    description: 'The input, unchanged.',
    additionalProperties: true,
  },
  validate: false,
  async run(input, call) {
    call.log(`Echoing ${Object.keys(input).length} key(s)`);
    return input;
  },
  // A burst of small events is the stream figure of `npm run bench`, so each event is written as the
  // JSON text of `{[key]: value}` (no object with a one-off shape to build and stringify), from a
  // synchronous generator; `for...in` over the parsed JSON object visits its own keys in the order
  // of Object.entries without building the pairs.
  *stream(input, call) {
    call.log(`Echoing ${Object.keys(input).length} key(s)`);
    for (const key in input) yield new JsonEvent(`{${JSON.stringify(key)}:${JSON.stringify(input[key])}}`);
    yield input;
  },
};
