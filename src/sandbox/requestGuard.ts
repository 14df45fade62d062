// The sandbox is a server on someone's machine, reachable by every local process and, through the
// browser, by every web page the user opens. This module holds the checks that keep web pages out
// and keep the sandbox from reaching out on a caller's word:
// - `Host` must name this machine (loopback names and addresses, the bound address) or a host given
//   with `--allow-host`: a page that rebinds its own DNS name to 127.0.0.1 (DNS rebinding) still sends
//   its name as Host, and is answered 421. code-server's port proxy (`/proxy/<port>/`) forwards the
//   browser's Host, which is code-server's: loopback when it is reached on this machine, else a name
//   the user allows (`--allow-host`, or the extension for its embedded sandbox).
// - A state-changing request (POST, PUT, PATCH, DELETE) carrying an `Origin` (only browsers send one)
//   must come from a loopback or allowed origin: a page elsewhere cannot submit, upload or arm faults
//   with a simple cross-site form post (403). No Origin: not a browser, allowed.
// - Outbound: `image_url` downloads only with `--allow-fetch`, webhooks only to loopback or
//   `--allow-webhooks-to` hosts, so a request cannot make the sandbox probe the user's network.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopbackHostname } from '../common/loopback';
import type { SandboxContext } from './context';
import { sendDetail } from './http';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A host entry as `--allow-host` takes it: a name or address, `[v6]` bracketed, no port; lower case. */
export function normalizeHostEntry(entry: string): string | undefined {
  const trimmed = entry.trim().toLowerCase().replace(/\.$/, '');
  if (!trimmed) return undefined;
  try {
    const url = new URL(
      `http://${trimmed.includes(':') && !trimmed.startsWith('[') ? `[${trimmed}]` : trimmed}/`,
    );
    return url.port === '' && url.pathname === '/' ? url.hostname : undefined;
  } catch {
    return undefined;
  }
}

/** The hostname of a `Host` header (`name:port`, `[v6]:port`), lower case; undefined when malformed. */
function hostnameOf(hostHeader: string): string | undefined {
  try {
    const url = new URL(`http://${hostHeader.trim()}/`);
    return url.pathname === '/' && !url.username && !url.password ? url.hostname : undefined;
  } catch {
    return undefined;
  }
}

/** The address the sandbox is bound to, as a hostname, unless it is a wildcard (all interfaces). */
function boundHostname(ctx: SandboxContext): string | undefined {
  const host = ctx.options.host;
  if (host === '0.0.0.0' || host === '::' || host === '[::]') return undefined;
  return normalizeHostEntry(host);
}

/** Is `hostname` one the sandbox answers to: loopback, its bound address, or an allowed host? */
export function isAllowedHostname(ctx: SandboxContext, hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return isLoopbackHostname(name) || name === boundHostname(ctx) || ctx.allowedHosts.has(name);
}

/** Does the `Host` header name this sandbox? A request without one (HTTP/1.0, not a browser) passes. */
export function hostHeaderAllowed(ctx: SandboxContext, hostHeader: string | undefined): boolean {
  if (hostHeader === undefined || hostHeader === '') return true;
  const hostname = hostnameOf(hostHeader);
  return hostname !== undefined && isAllowedHostname(ctx, hostname);
}

/** The lower-case hostname of an http(s) URL; undefined for another scheme or no URL. */
function httpHostnameOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:'
      ? parsed.hostname.toLowerCase()
      : undefined;
  } catch {
    return undefined;
  }
}

/** May a browser page of `origin` talk to the sandbox? No Origin (not a browser) may; `null` may not. */
export function originAllowed(ctx: SandboxContext, origin: string | undefined): boolean {
  if (origin === undefined || origin === '') return true;
  const hostname = httpHostnameOf(origin);
  return hostname !== undefined && isAllowedHostname(ctx, hostname);
}

/** The refusal for a request the checks stop, or undefined when it may go on. */
export function refusal(
  ctx: SandboxContext,
  req: IncomingMessage,
): { status: number; detail: string } | undefined {
  const host = req.headers.host;
  if (!hostHeaderAllowed(ctx, host)) {
    const name = hostnameOf(host ?? '') ?? host;
    return {
      status: 421,
      detail:
        `Host ${JSON.stringify(host)} is not this sandbox's: it answers to localhost, 127.0.0.1, [::1] and ` +
        `its bound address only, so a web page cannot reach it under a name of its own (DNS rebinding). ` +
        `To reach it by this name, start it with --allow-host ${name}.`,
    };
  }
  const origin = req.headers.origin;
  if (!SAFE_METHODS.has(req.method ?? 'GET') && !originAllowed(ctx, origin)) {
    return {
      status: 403,
      detail:
        `Origin ${JSON.stringify(origin)} may not ${req.method} here: the sandbox takes state-changing ` +
        `requests from a browser only from loopback origins or --allow-host hosts.`,
    };
  }
  return undefined;
}

/** Applies {@link refusal}: answers the request and returns false when it may not go on. */
export function guardRequest(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): boolean {
  const refused = refusal(ctx, req);
  if (!refused) return true;
  ctx.log(`refused ${req.method} ${req.url}: ${refused.detail}`);
  sendDetail(res, refused.status, refused.detail);
  return false;
}

/** May a webhook be delivered to `url`? Loopback, or a host given with `--allow-webhooks-to`. */
export function webhookTargetAllowed(ctx: SandboxContext, url: string): boolean {
  const hostname = httpHostnameOf(url);
  if (hostname === undefined) return false;
  return isLoopbackHostname(hostname) || ctx.options.allowWebhooksTo.includes(hostname);
}

/** Why a webhook URL is refused, for the submit's 400 answer. */
export function webhookRefusal(url: string): string {
  let host = url;
  try {
    host = new URL(url).hostname;
  } catch {
    return `fal_webhook ${JSON.stringify(url)} is not a URL: give an http(s) URL.`;
  }
  return (
    `fal_webhook ${JSON.stringify(url)}: the sandbox delivers webhooks to loopback addresses only ` +
    `(localhost, 127.0.0.1, [::1]), so a request cannot make it post to your network. Start it with ` +
    `--allow-webhooks-to ${host} to deliver there.`
  );
}
