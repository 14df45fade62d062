// What the extension and a sandbox it starts say to each other, in one place for both sides: the
// environment variable that carries the key (never the command line, which other local users can
// read), the line the CLI prints once it listens, and the attach route by which a window says it
// still uses the sandbox and checks, by a keyed proof, that the server answering is the one it started.
import { createHmac } from 'node:crypto';

/** The sandbox CLI takes its key from here when `--key` is not given. */
export const SANDBOX_KEY_ENV = 'FAL_SANDBOX_KEY';

const LISTENING_PREFIX = 'fal sandbox listening on ';

/** The line the CLI prints on stdout once it serves. */
export function listeningLine(url: string): string {
  return `${LISTENING_PREFIX}${url}`;
}

/** The URL in a line of the CLI's stdout, if that line is the listening line. */
export function parseListeningLine(line: string): string | undefined {
  return line.startsWith(LISTENING_PREFIX) ? line.slice(LISTENING_PREFIX.length).trim() : undefined;
}

/** `POST` with `Authorization: Key <key>` and an {@link AttachRequest}: "this window still uses you". */
export const ATTACH_PATH = '/_sandbox/attach';
/** `POST` with `{"window": id}`: "this window is closing". */
export const DETACH_PATH = '/_sandbox/detach';

export interface AttachRequest {
  /** A random id per window (per connection manager). */
  readonly window: string;
  /** Random text the sandbox must answer with {@link attachProof}. */
  readonly nonce: string;
}

export interface AttachReply {
  /** `attachProof(key, nonce)`: only a sandbox that holds the key can compute it. */
  readonly proof: string;
  /** The sandbox's process id. */
  readonly pid: number;
  /** Windows attached now, this one included. */
  readonly windows: number;
  /** Queue requests whose result no client has fetched yet. */
  readonly unfetched: number;
}

/** HMAC of the nonce under the sandbox key. */
export function attachProof(key: string, nonce: string): string {
  return createHmac('sha256', key).update(`fal-sandbox-attach\n${nonce}`).digest('base64url');
}
