// What counts as this machine's own address, in one place for the page's media sources and the
// sandbox's Host, Origin, fetch and webhook checks: `localhost` (and names under `.localhost`, which
// resolve to loopback by RFC 6761), 127.0.0.0/8 and `::1`, bracketed or not. Pure: no Node, no DNS.

const LOOPBACK_HOSTNAME =
  /^(localhost|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** True for a URL's hostname (as `new URL(...).hostname` gives it) that names this machine. */
export function isLoopbackHostname(hostname: string): boolean {
  return LOOPBACK_HOSTNAME.test(hostname.replace(/\.$/, ''));
}
