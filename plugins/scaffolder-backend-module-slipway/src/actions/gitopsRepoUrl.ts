import type { SpecIssue } from '@slipway/common';

/** Where the template publishes the repo; decides the Argo CD `gitops.repoUrl`. */
export const PUBLISHERS = ['local', 'github'] as const;
export type Publisher = (typeof PUBLISHERS)[number];

/** Clone URL of a repo on the embedded local Git remote (served by the slipway backend plugin). */
export function localCloneUrl(baseUrl: string, name: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/slipway/git/${name}.git`;
}

/** `github.com?owner=acme&repo=orders` (Backstage's RepoUrlPicker format) → `https://github.com/acme/orders.git`. */
function httpsUrlFromPicker(repoUrl: string): string | undefined {
  const query = repoUrl.indexOf('?');
  if (query <= 0) return undefined;
  const host = repoUrl.slice(0, query);
  const params = new URLSearchParams(repoUrl.slice(query + 1));
  const owner = params.get('owner');
  const repo = params.get('repo');
  const segment = /^[A-Za-z0-9_.-]+$/;
  if (!/^[a-z0-9.-]+(:[0-9]+)?$/i.test(host) || !owner || !repo || !segment.test(owner) || !segment.test(repo)) return undefined;
  return `https://${host}/${owner}/${repo}.git`;
}

export interface GitopsRepoUrlInput {
  publisher: unknown;
  repoUrl: unknown;
  /** `gitops.repoUrl` as given in the spec input, if any. */
  specRepoUrl: unknown;
  name: unknown;
  /** `backend.baseUrl`, for the local remote. */
  baseUrl?: string;
  /**
   * GitHub hosts publish:github can create repos on (githubPublishingHosts). Undefined:
   * not checked here. An empty list: GitHub is not configured, so publisher github is refused
   * before anything is written, instead of failing in publish:github after generate and validate.
   */
  githubHosts?: readonly string[];
}

/**
 * The repo URL the generated Argo CD Applications sync from, when the template says
 * where it publishes: the local remote's clone URL, or the GitHub repo chosen in the
 * form. Returns undefined when no publisher is given (the spec's own value or default
 * applies), or records an issue naming the field and the rule.
 */
export function gitopsRepoUrlFor(input: GitopsRepoUrlInput, issues: SpecIssue[]): string | undefined {
  const { publisher, repoUrl, specRepoUrl, name, baseUrl } = input;
  if (publisher === undefined) {
    if (repoUrl !== undefined) issues.push({ path: 'repoUrl', message: 'is only used together with publisher' });
    return undefined;
  }
  if (!PUBLISHERS.includes(publisher as Publisher)) {
    issues.push({ path: 'publisher', message: `must be one of ${PUBLISHERS.join(', ')}` });
    return undefined;
  }
  if (specRepoUrl !== undefined) {
    issues.push({ path: 'gitops.repoUrl', message: 'must not be set when publisher is given: the publisher decides it' });
    return undefined;
  }
  if (publisher === 'local') {
    if (!baseUrl) {
      issues.push({ path: 'publisher', message: 'local needs backend.baseUrl in the backend config' });
      return undefined;
    }
    return typeof name === 'string' ? localCloneUrl(baseUrl, name) : undefined;
  }
  const { githubHosts } = input;
  if (githubHosts && githubHosts.length === 0) {
    issues.push({
      path: 'publisher',
      message:
        'github is not available on this Backstage: no GitHub integration has credentials ' +
        '(integrations.github[].token, e.g. from GITHUB_TOKEN, or a GitHub App); choose local, or ask an administrator to configure GitHub',
    });
    return undefined;
  }
  const url = typeof repoUrl === 'string' ? httpsUrlFromPicker(repoUrl) : undefined;
  if (!url) {
    issues.push({ path: 'repoUrl', message: 'must be a repository location such as github.com?owner=acme&repo=orders when publisher is github' });
    return undefined;
  }
  const host = new URL(url).host;
  if (githubHosts && !githubHosts.includes(host)) {
    issues.push({ path: 'repoUrl', message: `must be on a GitHub host this Backstage can publish to (${githubHosts.join(', ')}), not ${host}` });
    return undefined;
  }
  return url;
}
