// The registry of demo endpoints and how an endpoint id (with namespace, sub-path, legacy form)
// finds one. Also used by the realtime handler.
import { audioEndpoint } from './audio';
import { echoEndpoint } from './echo';
import { errorEndpoint } from './error';
import { imageEndpoint } from './image';
import { imageToImageEndpoint } from './imageToImage';
import { slowEndpoint } from './slow';
import { textEndpoint } from './text';
import type { SandboxEndpoint } from './types';

export type { SandboxEndpoint, EndpointCall, LogLine, LogLevel } from './types';
export { EndpointError } from './types';
export { renderImage } from './image';

export const ENDPOINTS: readonly SandboxEndpoint[] = [
  echoEndpoint,
  imageEndpoint,
  imageToImageEndpoint,
  audioEndpoint,
  textEndpoint,
  slowEndpoint,
  errorEndpoint,
];

const byId = new Map(ENDPOINTS.map((e) => [e.id, e]));

const NAMESPACES = new Set(['workflows', 'comfy']);

export interface ParsedEndpointId {
  namespace?: string;
  owner: string;
  alias: string;
  /** Sub-path after owner/alias, '' when none. */
  path: string;
  /** `{namespace/}owner/alias`: what status, result and cancel URLs use. */
  appPath: string;
}

/** Parses `[ns/]owner/alias[/path...]` (or legacy `123-app`) as fal's clients do; undefined if invalid. */
export function parseEndpointId(id: string): ParsedEndpointId | undefined {
  const legacy = /^([0-9]+)-([a-zA-Z0-9-]+)$/.exec(id);
  const normalised = legacy ? `${legacy[1]}/${legacy[2]}` : id;
  const parts = normalised.split('/').filter((p) => p !== '');
  const namespace = parts.length > 0 && NAMESPACES.has(parts[0]) ? parts.shift() : undefined;
  if (parts.length < 2) return undefined;
  const [owner, alias, ...rest] = parts;
  const appPath = `${namespace ? `${namespace}/` : ''}${owner}/${alias}`;
  return { namespace, owner, alias, path: rest.join('/'), appPath };
}

/** The endpoint an id names, whatever its namespace and sub-path (`sandbox/echo/v2/extra` is echo). */
export function findEndpoint(id: string): SandboxEndpoint | undefined {
  const parsed = parseEndpointId(id);
  return parsed ? byId.get(`${parsed.owner}/${parsed.alias}`) : undefined;
}
