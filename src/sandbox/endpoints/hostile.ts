// `sandbox/hostile`: a server that sends back what an attacker would, to check that the extension
// keeps all of it inert. Its catalogue name and description, its log lines, its output's text, file
// names and URLs (`javascript:` and `data:text/html` ones among real sandbox files), and, with
// `{"fail": true}`, its error all carry XSS payloads and a notification link to a command. Each
// payload would set `window.__pwned` and makes elements marked `data-pwned` if it ever ran or became
// HTML, which is what the webview and UI tests look for.
import { renderImage } from './image';
import { EndpointError, type SandboxEndpoint } from './types';

/** The payloads, each of a different shape; the tests import them from here. */
export const HOSTILE_PAYLOADS = {
  img: '<img src=x data-pwned=img onerror="window.__pwned=1">',
  script: '<script data-pwned=script>window.__pwned=1</script>',
  svg: '"><svg data-pwned=svg onload="window.__pwned=1">',
  javascriptUrl: 'javascript:window.__pwned=1',
  htmlDataUrl: 'data:text/html,<script>window.__pwned=1</script>',
  commandLink: '[click](command:fal.clearApiKey)',
} as const;

const P = HOSTILE_PAYLOADS;

/** All payloads in one line of text. */
export const HOSTILE_TEXT = `${P.img} ${P.script} ${P.svg} ${P.commandLink}`;

export const hostileEndpoint: SandboxEndpoint = {
  id: 'sandbox/hostile',
  metadata: {
    display_name: `Hostile ${P.img}`,
    category: 'utility',
    description: `Answers with XSS payloads everywhere, for security tests: ${HOSTILE_TEXT}`,
    status: 'active',
    tags: ['sandbox', 'security', P.svg],
  },
  input: {
    title: 'HostileInput',
    type: 'object',
    properties: {
      fail: {
        title: 'Fail',
        type: 'boolean',
        description: `Answer with an error whose text is hostile: ${P.script}`,
        default: false,
      },
    },
    'x-fal-order-properties': ['fail'],
  },
  output: {
    title: 'HostileOutput',
    type: 'object',
    description: 'Text, file names and URLs made to run script if anything renders them as HTML.',
    additionalProperties: true,
  },
  async run(input, call) {
    for (const payload of Object.values(P)) call.log(`log line ${payload}`);
    if (input.fail === true) {
      throw new EndpointError(500, { detail: `The endpoint failed: ${HOSTILE_TEXT}` });
    }
    const png = renderImage({ prompt: 'hostile', seed: 1, width: 64, height: 64 });
    const imageUrl = call.ctx.files.put(png, 'image/png', `${P.svg}.png`);
    return {
      output: `Output text ${HOSTILE_TEXT}`,
      images: [
        { url: imageUrl, content_type: 'image/png', file_name: `${P.img}.png`, width: 64, height: 64 },
        { url: P.javascriptUrl, content_type: 'image/png', file_name: P.script },
        { url: P.htmlDataUrl, content_type: 'image/png', file_name: 'page.html' },
      ],
      link: P.javascriptUrl,
      page: P.htmlDataUrl,
      [P.img]: P.svg,
    };
  },
};
