// The registry of demo endpoints and how an endpoint id (with namespace, sub-path, legacy form)
// finds one. Also used by the realtime handler.
import { parseEndpointId as parseFalEndpointId } from '../../common/endpointId';
import { audioEndpoint } from './audio';
import { burstEndpoint } from './burst';
import { composeEndpoint } from './compose';
import { echoEndpoint } from './echo';
import { errorEndpoint } from './error';
import { hostileEndpoint } from './hostile';
import { imageEndpoint } from './image';
import { imageToImageEndpoint } from './imageToImage';
import { slowEndpoint } from './slow';
import { textEndpoint } from './text';
import type { SandboxEndpoint } from './types';
import { videoEndpoint } from './video';

export type { SandboxEndpoint, EndpointCall, LogLine, LogLevel } from './types';
export { EndpointError } from './types';
export { renderImage } from './image';

export const ENDPOINTS: readonly SandboxEndpoint[] = [
  echoEndpoint,
  imageEndpoint,
  imageToImageEndpoint,
  audioEndpoint,
  videoEndpoint,
  textEndpoint,
  slowEndpoint,
  errorEndpoint,
  composeEndpoint,
  hostileEndpoint,
  burstEndpoint,
];

const byId = new Map(ENDPOINTS.map((e) => [e.id, e]));

export interface ParsedEndpointId {
  namespace?: string;
  owner: string;
  alias: string;
  /** Sub-path after owner/alias, '' when none. */
  path: string;
  /** `{namespace/}owner/alias`: what status, result and cancel URLs use. */
  appPath: string;
}

/**
 * Parses an id taken from a request path with the client's own parser (the official clients' rules),
 * after folding the empty segments a URL path may carry; undefined if invalid.
 */
export function parseEndpointId(id: string): ParsedEndpointId | undefined {
  try {
    const parsed = parseFalEndpointId(
      id
        .split('/')
        .filter((p) => p !== '')
        .join('/'),
    );
    return {
      namespace: parsed.namespace,
      owner: parsed.owner,
      alias: parsed.alias,
      path: parsed.path ?? '',
      appPath: parsed.appId,
    };
  } catch {
    return undefined;
  }
}

/** The endpoint an id names, whatever its namespace and sub-path (`sandbox/echo/v2/extra` is echo). */
export function findEndpoint(id: string): SandboxEndpoint | undefined {
  const parsed = parseEndpointId(id);
  return parsed ? byId.get(`${parsed.owner}/${parsed.alias}`) : undefined;
}
