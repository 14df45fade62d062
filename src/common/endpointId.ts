// Endpoint ids: parsing and normalisation exactly as the official clients do it (fal-js
// `ensureEndpointIdFormat` / `parseEndpointId`), so every URL the client builds matches fal's, and
// the stricter check the extension applies to what a user types (ids only, never URLs). In common
// so the protocol client, the host and the playground page all check an id the same way.

export const ENDPOINT_NAMESPACES = ['workflows', 'comfy'] as const;
export type EndpointNamespace = (typeof ENDPOINT_NAMESPACES)[number];

export interface EndpointId {
  /** The normalised id, sub-path included (`123-app` becomes `123/app`). */
  id: string;
  namespace?: EndpointNamespace;
  owner: string;
  alias: string;
  /** The sub-path after `owner/alias`, e.g. `dev` in `fal-ai/flux/dev`. */
  path?: string;
  /** `{namespace/}owner/alias`: what status, result and cancel URLs use. */
  appId: string;
}

export class InvalidEndpointIdError extends Error {
  readonly endpointId: string;
  constructor(endpointId: string, reason?: string) {
    super(
      `Invalid app id: ${JSON.stringify(endpointId)}. Must be in the format <appOwner>/<appId>` +
        (reason ? ` (${reason})` : ''),
    );
    this.name = 'InvalidEndpointIdError';
    this.endpointId = endpointId;
  }
}

/** `owner/alias[/path]` is kept; legacy `123-app` becomes `123/app`; anything else throws. */
export function ensureEndpointIdFormat(id: string): string {
  if (typeof id !== 'string') throw new InvalidEndpointIdError(String(id));
  if (id.split('/').length > 1) return id;
  const match = /^([0-9]+)-([a-zA-Z0-9-]+)$/.exec(id);
  if (match) return `${match[1]}/${match[2]}`;
  throw new InvalidEndpointIdError(id);
}

/**
 * Parses an endpoint id. Beyond the official format check, rejects ids whose owner or alias is
 * empty (`/x`, `a//b`, `workflows/a`), which could only ever produce a wrong URL.
 */
export function parseEndpointId(id: string): EndpointId {
  const normalized = ensureEndpointIdFormat(id);
  const parts = normalized.split('/');
  const namespace = (ENDPOINT_NAMESPACES as readonly string[]).includes(parts[0])
    ? (parts[0] as EndpointNamespace)
    : undefined;
  const rest = namespace ? parts.slice(1) : parts;
  const [owner, alias] = rest;
  if (!owner || !alias) throw new InvalidEndpointIdError(id, 'owner and alias must not be empty');
  if (/[?#\s]/.test(normalized)) throw new InvalidEndpointIdError(id, 'unexpected character');
  const path = rest.slice(2).join('/') || undefined;
  const appId = `${namespace ? `${namespace}/` : ''}${owner}/${alias}`;
  return {
    id: normalized,
    ...(namespace ? { namespace } : {}),
    owner,
    alias,
    ...(path ? { path } : {}),
    appId,
  };
}

/**
 * The path to append for a default route (`/stream`, `/realtime`): an explicit `path` always wins;
 * otherwise the default, unless the id already ends with it.
 */
export function resolveEndpointPath(
  id: string,
  path: string | undefined,
  defaultPath: string,
): string | undefined {
  if (path) return `/${path.replace(/^\/+/, '')}`;
  if (id.endsWith(defaultPath)) return undefined;
  return defaultPath;
}

/**
 * What is wrong with an endpoint id a user typed, or undefined when it is well formed. The extension
 * takes ids only, never URLs: the key must go nowhere but fal's own hosts, and an id ends up in URLs
 * and in "Copy as Code" shell snippets.
 */
export function checkEndpointId(text: string): string | undefined {
  const id = text.trim();
  if (!id) return 'Type an endpoint id, e.g. fal-ai/flux/dev.';
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(id)) {
    return `"${id}" is not an endpoint id: use owner/app[/path] with letters, digits, ".", "_" and "-" (e.g. fal-ai/flux/dev).`;
  }
  try {
    parseEndpointId(id);
    return undefined;
  } catch (err) {
    return `${(err as Error).message} (e.g. fal-ai/flux/dev).`;
  }
}
