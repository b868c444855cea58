/**
 * Which places a template may publish a new repo to on this Backstage. One reading of the
 * config serves both the form (through the slipway backend's `/publishers` route, so it
 * only offers what works) and the generate action (which refuses what does not).
 */

/** The part of Backstage's `Config` this needs (kept structural so this package needs no Backstage dependency). */
export interface PublisherConfig {
  getOptionalConfigArray(key: string): Array<{ getOptionalString(key: string): string | undefined; has(key: string): boolean }> | undefined;
}

export interface PublisherAvailability {
  id: 'local' | 'github';
  available: boolean;
  /** GitHub: the hosts that have credentials, e.g. ['github.com']. */
  hosts?: string[];
  /** Why it is not available, and what would make it so. */
  reason?: string;
}

/**
 * GitHub hosts that `publish:github` can create repos on: `integrations.github` entries with
 * a token or a GitHub App. Backstage's ScmIntegrations always adds a credential-less
 * github.com entry, and publish:github then fails at the API call, so an entry without
 * credentials does not count.
 */
export function githubPublishingHosts(config: PublisherConfig): string[] {
  const hosts = new Set<string>();
  for (const entry of config.getOptionalConfigArray('integrations.github') ?? []) {
    const host = entry.getOptionalString('host');
    if (host && (entry.getOptionalString('token') || entry.has('apps'))) hosts.add(host);
  }
  return [...hosts].sort();
}

/** Every publisher the Slipway template knows, and whether it works here. */
export function publisherAvailability(config: PublisherConfig, options: { localAvailable: boolean }): PublisherAvailability[] {
  const githubHosts = githubPublishingHosts(config);
  return [
    options.localAvailable
      ? { id: 'local', available: true }
      : { id: 'local', available: false, reason: 'slipway.dataDir is not set in the backend config' },
    githubHosts.length
      ? { id: 'github', available: true, hosts: githubHosts }
      : {
          id: 'github',
          available: false,
          hosts: [],
          reason: 'no GitHub integration with credentials: set integrations.github[].token (e.g. from GITHUB_TOKEN) or a GitHub App',
        },
  ];
}
