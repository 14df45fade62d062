// Builds the URL of each call from the configured hosts, the way fal-js `buildUrl` does: the whole
// endpoint id (sub-path included) for run/submit/stream, only `{ns/}owner/alias` for the request
// calls, one leading slash of an extra path stripped, the final trailing slash removed.
import type { ClientConfig } from './config';
import { InvalidEndpointIdError, parseEndpointId, type EndpointId } from '../common/endpointId';

export type Query = Record<string, string | undefined>;

export function joinUrl(base: string, path: string, query?: Query): string {
  const url = `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '').replace(/\/{2,}/g, '/')}`.replace(
    /\/$/,
    '',
  );
  return url + queryString(query);
}

export function queryString(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) params.append(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * A full URL passed as the endpoint id is used as is when it points at fal (as fal-js allows) or at
 * one of the configured hosts; any other id is parsed, and an invalid one throws before any request.
 */
export function endpointUrl(
  config: ClientConfig,
  host: 'run' | 'queue',
  id: string,
  extraPath?: string,
  query?: Query,
): string {
  if (/^https?:\/\//i.test(id)) {
    if (!isAllowedUrl(config, id)) throw new InvalidEndpointIdError(id, 'URL is not on a fal host');
    const base = id.endsWith('/') ? id : `${id}/`;
    return `${base}${(extraPath ?? '').replace(/^\/+/, '')}`.replace(/\/$/, '') + queryString(query);
  }
  const parsed = parseEndpointId(id);
  return joinUrl(config.hosts[host], `${parsed.id}/${extraPath ?? ''}`, query);
}

/** `{queue}/{ns/}owner/alias/requests/{id}{suffix}`. */
export function requestUrl(
  config: ClientConfig,
  id: string,
  requestId: string,
  suffix = '',
  query?: Query,
): string {
  const parsed: EndpointId = parseEndpointId(id);
  if (!requestId || /[/?#]/.test(requestId))
    throw new Error(`Invalid request id: ${JSON.stringify(requestId)}`);
  return joinUrl(
    config.hosts.queue,
    `${parsed.appId}/requests/${encodeURIComponent(requestId)}${suffix}`,
    query,
  );
}

function isAllowedUrl(config: ClientConfig, url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    // fal.ai, fal.run and their subdomains only: a look-alike such as evilfal.ai must not get the key.
    if (protocol === 'https:' && /(^|\.)fal\.(ai|run)$/.test(hostname)) return true;
  } catch {
    return false;
  }
  return [config.hosts.run, config.hosts.queue].some((base) =>
    url.startsWith(base.replace(/\/+$/, '') + '/'),
  );
}
