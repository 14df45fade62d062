// The one rule for which header values are secrets (names that speak of auth, a token, a secret, a
// key, a cookie, a password, a credential, a session or a signature): snippets write a placeholder for them, and records keep
// them redacted, so a saved request list or a support ticket never carries one. The same rule picks
// the query parameters of a URL (a webhook's `?token=`) that a record keeps redacted.
const SECRET_HEADER_NAME = /auth|token|secret|key|cookie|password|credential|session|signature/i;

/** What a record keeps in place of a secret header's value. */
export const REDACTED = '<redacted>';

/** True for a header whose name suggests its value is a secret. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADER_NAME.test(name);
}

/** The headers with each secret-looking value replaced by `placeholder`; undefined stays undefined. */
export function redactHeaders(
  headers: Readonly<Record<string, string>> | undefined,
  placeholder = REDACTED,
): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, isSecretHeader(name) ? placeholder : value]),
  );
}

/**
 * The URL with a password in it, and the value of each query parameter whose name looks secret
 * (`?token=…`, `&api_key=…`), replaced by `<redacted>`; anything that is not an absolute URL as given.
 */
export function redactUrl(url: string): string;
export function redactUrl(url: string | undefined): string | undefined;
export function redactUrl(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return url;
  const parsed = new URL(url);
  let changed = false;
  if (parsed.password) {
    parsed.password = REDACTED;
    changed = true;
  }
  for (const name of [...new Set(parsed.searchParams.keys())]) {
    if (!isSecretHeader(name)) continue;
    parsed.searchParams.set(name, REDACTED);
    changed = true;
  }
  return changed ? parsed.toString() : url;
}

/** True when `redactUrl` took something out of this URL. */
export function isRedactedUrl(url: string | undefined): boolean {
  return url !== undefined && decodeURIComponent(url).includes(REDACTED);
}

/**
 * The headers without the secret-looking ones (and without values already redacted), for what is
 * written to files: request files and exports carry no placeholder a later call would send as is.
 * Undefined when none is left.
 */
export function withoutSecretHeaders(
  headers: Readonly<Record<string, string>> | undefined,
): Record<string, string> | undefined {
  const kept = Object.entries(headers ?? {}).filter(
    ([name, value]) => !isSecretHeader(name) && value !== REDACTED,
  );
  return kept.length ? Object.fromEntries(kept) : undefined;
}
