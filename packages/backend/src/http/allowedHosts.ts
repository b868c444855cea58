import type { RootConfigService } from '@backstage/backend-plugin-api';
import { readHttpServerOptions } from '@backstage/backend-defaults/rootHttpRouter';
import { defaultPort, HostAuthority, isIpLiteral, parseHostHeader, sameAuthority, urlAuthority } from './hostAuthority';

/** Config key for extra `Host` values (see config.d.ts). */
export const ALLOWED_HOSTS_KEY = 'slipway.http.allowedHosts';

export interface AllowedHostsOptions {
  /** Absolute base URLs whose authority is served: `backend.baseUrl`, `app.baseUrl`. */
  baseUrls: string[];
  /** Extra `host[:port]` values, matched exactly as a client sends them in `Host`. */
  extraHosts: string[];
  /** The port the server listens on (`backend.listen`). */
  listenPort: number;
  /** The scheme the server itself speaks, for a `Host` that names no port. */
  listenProtocol: 'http:' | 'https:';
}

/**
 * Which `Host` values this backend answers. A DNS-rebinding page reaches a loopback server
 * under the attacker's own name (the browser sends `Host: evil.example:7007`), so a name
 * is only accepted if the configuration names it. On the listen port two more kinds are
 * accepted, because no DNS answer can produce them from a foreign page:
 *  - IP literals (`127.0.0.1:7007`, `[::1]:7007`, a pod IP from a kubelet probe): the
 *    browser sends the URL's host, so such a Host comes from a page whose URL *is* that
 *    IP and port; a foreign page calling it is cross-origin and carries its `Origin`,
 *    which originGuard refuses;
 *  - `localhost`: it is no name an attacker's DNS answers (RFC 6761 §6.3: resolvers
 *    "SHOULD always return the IP loopback address"; browsers resolve it themselves), and
 *    Backstage's own discovery calls `localhost:<port>` when `backend.listen.host` is `::`
 *    or empty (HostDiscovery).
 */
export class AllowedHosts {
  static fromConfig(config: RootConfigService): AllowedHosts {
    const baseUrls = [config.getString('backend.baseUrl'), config.getOptionalString('app.baseUrl')].filter(
      (url): url is string => url !== undefined,
    );
    const backendConfig = config.getOptionalConfig('backend');
    return new AllowedHosts({
      baseUrls,
      extraHosts: config.getOptionalStringArray(ALLOWED_HOSTS_KEY) ?? [],
      listenPort: readHttpServerOptions(backendConfig).listen.port,
      listenProtocol: config.has('backend.https') ? 'https:' : 'http:',
    });
  }

  private readonly named: Array<{ authority: HostAuthority; impliedPort: number | undefined }>;
  private readonly extra: HostAuthority[];

  constructor(private readonly options: AllowedHostsOptions) {
    this.named = options.baseUrls.map(baseUrl => {
      let url: URL;
      try {
        url = new URL(baseUrl);
      } catch {
        throw new Error(`base URL "${baseUrl}" is not an absolute URL`);
      }
      return { authority: urlAuthority(url), impliedPort: defaultPort(url.protocol) };
    });
    this.extra = options.extraHosts.map(entry => {
      const authority = parseHostHeader(entry);
      if (!authority) throw new Error(`${ALLOWED_HOSTS_KEY}: "${entry}" is not a host[:port]`);
      return authority;
    });
  }

  /** Whether a request with this `Host` (already parsed; `undefined` if absent or malformed) is answered. */
  allows(host: HostAuthority | undefined): boolean {
    if (!host) return false;
    if (this.named.some(({ authority, impliedPort }) => sameAuthority(host, authority, impliedPort))) return true;
    if (this.extra.some(authority => sameAuthority(host, authority, undefined))) return true;
    const port = host.port ?? defaultPort(this.options.listenProtocol);
    return port === this.options.listenPort && (host.hostname === 'localhost' || isIpLiteral(host.hostname));
  }
}
