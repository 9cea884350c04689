// Who may use the web view. Pure checks, one place:
//  - where it may listen: the loopback freely; any other address only with a
//    token (or with mutual TLS, whose client certificates are the check);
//  - the token of a request: `Authorization: Bearer TOKEN`, else the cookie
//    the server sets after a page load with `?token=TOKEN`, else `?token=TOKEN`
//    itself (what an EventSource or a link can carry), compared in constant time;
//  - without a token (loopback only), requests must name the loopback in their
//    Host header (a web page elsewhere cannot rebind a name of its own onto
//    127.0.0.1 and read the view) and a change (POST) must come from the
//    page's own origin.
import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

/** The cookie the server sets after an authorised page load with ?token=. */
export const TOKEN_COOKIE = 'srv6_token';

export interface HttpAddress {
  host: string;
  port: number;
}

/** "127.0.0.1:8080", "[::1]:8080", "localhost:8080", "[::]:8080", "0.0.0.0:8080"; undefined: "off". */
export function parseHttpAddress(text: string): HttpAddress | undefined {
  if (text === 'off') return undefined;
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new Error(`--http ${JSON.stringify(text)}: expected host:port ([v6]:port for IPv6; port 0..65535) or off`);
  const host = m[1] ?? m[2];
  if (m[1] && isIP(host) !== 6) throw new Error(`--http ${JSON.stringify(text)}: ${host} in brackets is not an IPv6 address`);
  return { host, port };
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** 127.0.0.0/8, ::1 (in any spelling, also ::ffff:127.x.y.z), localhost. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const v = isIP(h);
  return v !== 0 && LOOPBACK.check(h, v === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Why the web view must not listen there as configured, or undefined when it
 * may: off the loopback it needs a token, or mutual TLS (a client certificate
 * signed by the CA is then required of every browser).
 */
export function bindProblem(address: HttpAddress, o: { token?: string; mutualTls?: boolean }): string | undefined {
  if (o.token !== undefined && o.token.length < 16) return `--http-token: a token of at least 16 characters, please (it is all that stands between the network and the pin button); e.g. $(openssl rand -hex 16)`;
  if (isLoopback(address.host) || o.token || o.mutualTls) return undefined;
  return `--http ${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port} is not on the loopback: the web view can pin paths, so off the loopback it needs a token `
    + '(--http-token TOKEN or SRV6_HTTP_TOKEN; browsers open http://HOST:PORT/?token=TOKEN) or mutual TLS (--tls-*); or listen on 127.0.0.1 / [::1]';
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison (of digests: equal lengths whatever was given). */
function tokenMatches(given: string | undefined, expected: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(expected));
}

/** The cookies of a request's Cookie header. */
function cookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) {
      try {
        out.set(part.slice(0, i).trim(), decodeURIComponent(part.slice(i + 1).trim()));
      } catch { /* not ours */ }
    }
  }
  return out;
}

export interface RequestLike {
  headers: { authorization?: string; cookie?: string; host?: string; origin?: string };
  url?: string;
}

/** The tokens a request carries, in order of precedence: Bearer header, cookie, ?token=. */
function requestTokens(req: RequestLike): { bearer?: string; cookie?: string; query?: string } {
  const auth = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  const query = new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? undefined;
  return { bearer: auth?.[1], cookie: cookies(req.headers.cookie).get(TOKEN_COOKIE), query };
}

/** Whether the request carries the token (any of its ways); always true when no token is set. */
export function authorized(req: RequestLike, token: string | undefined): boolean {
  if (token === undefined) return true;
  const t = requestTokens(req);
  return [t.bearer, t.cookie, t.query].some((x) => tokenMatches(x, token));
}

/** The host part of a Host header ("127.0.0.1:8080", "[::1]:8080", "localhost"). */
function hostOf(header: string): string {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(header) ?? /^([^:]+)(?::\d+)?$/.exec(header);
  return m?.[1] ?? header;
}

/** Without a token: the request names the loopback in its Host header (no DNS rebinding onto the view). */
export function loopbackHostHeader(req: RequestLike): boolean {
  return !!req.headers.host && isLoopback(hostOf(req.headers.host));
}

/** A change (POST) comes from the view's own page: no Origin (not a browser's cross-site request), or the same host. */
export function sameOrigin(req: RequestLike): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
