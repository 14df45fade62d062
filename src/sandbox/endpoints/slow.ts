// `sandbox/slow`: waits `duration_ms` in `steps` logged steps, for queue work (positions, cancel,
// timeouts, status streams); `log_lines` more lines first, for clients that must keep logs bounded.
// It has no `/stream` path, as many fal apps don't.
import { sleep, type SandboxEndpoint } from './types';

export const slowEndpoint: SandboxEndpoint = {
  id: 'sandbox/slow',
  metadata: {
    display_name: 'Sandbox Slow',
    category: 'utility',
    description: 'Waits a given time in logged steps; for queue positions, cancel and timeouts.',
    status: 'active',
    tags: ['sandbox', 'queue', 'slow'],
  },
  input: {
    title: 'SlowInput',
    type: 'object',
    properties: {
      duration_ms: {
        title: 'Duration (ms)',
        type: 'integer',
        description: 'How long the request runs.',
        default: 1000,
        minimum: 0,
        maximum: 600000,
      },
      steps: {
        title: 'Steps',
        type: 'integer',
        description: 'In how many logged steps.',
        default: 1,
        minimum: 1,
        maximum: 1000,
      },
      log_lines: {
        title: 'Log lines',
        type: 'integer',
        description: 'Lines logged at once before the steps (a chatty job).',
        default: 0,
        minimum: 0,
        maximum: 100000,
      },
    },
    'x-fal-order-properties': ['duration_ms', 'steps', 'log_lines'],
    required: ['duration_ms'],
  },
  output: {
    title: 'SlowOutput',
    type: 'object',
    properties: {
      duration_ms: { title: 'Duration (ms)', type: 'integer' },
      steps: { title: 'Steps', type: 'integer' },
    },
    'x-fal-order-properties': ['duration_ms', 'steps'],
    required: ['duration_ms', 'steps'],
  },
  async run(input, call) {
    const duration = Number(input.duration_ms);
    const steps = Number(input.steps);
    const lines = Number(input.log_lines ?? 0);
    for (let line = 1; line <= lines; line++) call.log(`Line ${line}/${lines}`);
    for (let step = 1; step <= steps; step++) {
      await sleep(duration / steps, call.signal);
      call.log(`Step ${step}/${steps}`);
    }
    return { duration_ms: duration, steps };
  },
};
