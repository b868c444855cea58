import { isIP } from 'net';

/**
 * A `Host` header or a URL's authority: a lowercase host name or IP literal (IPv6 in
 * brackets, as in `[::1]`) and the port, `undefined` when none was written.
 */
export interface HostAuthority {
  hostname: string;
  port: number | undefined;
}

// RFC 9110 §7.2: Host = uri-host [ ":" port ]; uri-host is an IP-literal in brackets or a
// reg-name. Anything else (a path, a userinfo `@`, spaces, several hosts) is refused whole.
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9\-._~!$&'()*+,;=%]+)(?::(\d{1,5}))?$/i;

/** Parses a `Host` header value; `undefined` for anything that is not exactly `host[:port]`. */
export function parseHostHeader(value: string | undefined): HostAuthority | undefined {
  if (value === undefined) return undefined;
  const match = HOST_HEADER.exec(value.trim());
  if (!match) return undefined;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { hostname: match[1].toLowerCase(), port };
}

/** The port a scheme implies when the authority names none. */
export function defaultPort(protocol: string): number | undefined {
  if (protocol === 'http:') return 80;
  if (protocol === 'https:') return 443;
  return undefined;
}

/** The authority of an absolute http(s) URL (a base URL, an `Origin`), with its port made explicit. */
export function urlAuthority(url: URL): HostAuthority {
  return { hostname: url.hostname.toLowerCase(), port: url.port ? Number(url.port) : defaultPort(url.protocol) };
}

/** True for an IPv4 literal or a bracketed IPv6 literal, which no DNS answer can stand behind. */
export function isIpLiteral(hostname: string): boolean {
  if (hostname.startsWith('[') && hostname.endsWith(']')) return isIP(hostname.slice(1, -1)) === 6;
  return isIP(hostname) === 4;
}

/**
 * Whether `host` (a request's `Host`) names `target` (an authority from a URL whose scheme
 * implies `impliedPort`): the same host name and the same port, a missing port meaning the
 * scheme's default, which is how clients write it (RFC 3986 §3.2.3: "URI producers and
 * normalizers should omit the port component and its ':' delimiter if port is empty or if
 * its value would be the same as that of the scheme's default").
 */
export function sameAuthority(host: HostAuthority, target: HostAuthority, impliedPort: number | undefined): boolean {
  return host.hostname === target.hostname && (host.port ?? impliedPort) === (target.port ?? impliedPort);
}
