import type { RootConfigService } from '@backstage/backend-plugin-api';
import { readCorsOptions } from '@backstage/backend-defaults/rootHttpRouter';
import { defaultPort, HostAuthority, sameAuthority, urlAuthority } from './hostAuthority';

/**
 * Which `Origin`s may call this backend: its own pages (the origin the request's `Host`
 * names, which hostGuard already checked), the origins of `backend.baseUrl` and
 * `app.baseUrl` (an app served from another origin, e.g. a dev server), and whatever
 * `backend.cors.origin` admits, matched by Backstage's own CORS matcher, so the two
 * settings cannot disagree. Everything else is foreign, `Origin: null` included: an
 * opaque origin (sandboxed frame, `data:` page, cross-origin redirect) is never ours.
 */
export class OriginPolicy {
  static fromConfig(config: RootConfigService): OriginPolicy {
    const baseUrls = [config.getString('backend.baseUrl'), config.getOptionalString('app.baseUrl')].filter(
      (url): url is string => url !== undefined,
    );
    return new OriginPolicy(new Set(baseUrls.map(url => new URL(url).origin)), corsOriginMatcher(config));
  }

  constructor(
    private readonly configuredOrigins: ReadonlySet<string>,
    private readonly corsAllows: (origin: string) => boolean = () => false,
  ) {}

  /** Why a request with this `Origin` and `Host` is refused, or `undefined` when it may proceed. */
  refusal(origin: string, host: HostAuthority | undefined): string | undefined {
    if (origin === 'null') return 'a request from an opaque origin (Origin: null) is refused';
    if (this.configuredOrigins.has(origin) || this.corsAllows(origin)) return undefined;
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (url && (url.protocol === 'http:' || url.protocol === 'https:')) {
      // An Origin header is a serialized origin, scheme://host[:port], and nothing more.
      if (url.origin !== origin) return `the Origin header ${JSON.stringify(origin)} is malformed`;
      if (host && sameAuthority(host, urlAuthority(url), defaultPort(url.protocol))) return undefined;
    }
    return `a cross-origin request from ${origin} is refused`;
  }
}

/**
 * `backend.cors.origin` as Backstage's CORS middleware reads it. readCorsOptions answers
 * `{ origin: false }` without a `backend.cors` block and a callback matcher (minimatch
 * over the configured patterns) with one; the matcher calls back synchronously.
 */
function corsOriginMatcher(config: RootConfigService): (origin: string) => boolean {
  const { origin } = readCorsOptions(config.getOptionalConfig('backend'));
  if (typeof origin !== 'function') return () => false;
  return candidate => {
    let allowed = false;
    origin(candidate, (error, result) => {
      allowed = !error && result === true;
    });
    return allowed;
  };
}
