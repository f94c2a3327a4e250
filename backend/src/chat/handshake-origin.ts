import type { IncomingHttpHeaders } from 'node:http';

function first(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  // X-Forwarded-Host may list every proxy's value; the first is what the browser asked for.
  return text?.split(',')[0]?.trim() || undefined;
}

function normalise(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * Whether a WebSocket/polling handshake may proceed, judged by its Origin header:
 * - no Origin (a non-browser client): yes, the token alone decides;
 * - an Origin listed in CORS_ORIGINS: yes;
 * - otherwise only the same origin: the Origin's host (with port) equals the host the browser asked
 *   for, which is X-Forwarded-Host when a proxy set it (the app trusts its proxy, `trust proxy`), else Host.
 *   The scheme is not compared: behind a TLS-terminating proxy the pod sees plain http.
 */
export function handshakeOriginAllowed(headers: IncomingHttpHeaders, allowedOrigins: readonly string[]): boolean {
  const origin = first(headers.origin);
  if (origin === undefined) return true;
  const normalised = normalise(origin);
  if (normalised === null) return false;
  if (allowedOrigins.some((allowed) => normalise(allowed) === normalised)) return true;
  const host = first(headers['x-forwarded-host']) ?? first(headers.host);
  return host !== undefined && new URL(normalised).host === host.toLowerCase();
}
