// `sandbox/echo`: returns its input unchanged, logs one line; its stream sends one event per
// top-level key, then the whole object. The simplest end-to-end check of every call style.
import type { SandboxEndpoint } from './types';

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
  async *stream(input, call) {
    call.log(`Echoing ${Object.keys(input).length} key(s)`);
    for (const [key, value] of Object.entries(input)) yield { [key]: value };
    yield input;
  },
};
