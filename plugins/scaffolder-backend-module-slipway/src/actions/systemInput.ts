import { parseDocument } from 'yaml';
import { NAME_TOKEN, type SpecIssue } from '@slipway/common';
import { localCloneUrl, PUBLISHERS, type Publisher } from './gitopsRepoUrl';

/*
 * The system action's input as the form sends it. A Backstage form has no YAML field and the
 * scaffolder no YAML filter, so each part's golden-path values come as the text of a textarea;
 * they are parsed here, each error naming the part. And the publisher decides where every part's
 * repo lives, as it decides gitops.repoUrl for one repo (gitopsRepoUrl.ts): the system's
 * repos.urlPattern, from which each part's gitops.repoUrl (its Argo CD Applications' source) is made.
 */

type Values = Record<string, unknown>;

const isObject = (value: unknown): value is Values => typeof value === 'object' && value !== null && !Array.isArray(value);

/** How a part is named in messages: by its name when it has one, else by its index. */
function partLabel(part: unknown, index: number): string {
  const name = isObject(part) ? part.name : undefined;
  return typeof name === 'string' && /^[a-z0-9-]+$/.test(name) ? `parts.${name}` : `parts[${index}]`;
}

/** One part's values: an object as it is, YAML text parsed (empty text is no values). */
function partValuesOf(raw: unknown, where: string, issues: SpecIssue[]): unknown {
  if (typeof raw !== 'string') return raw;
  if (raw.trim() === '') return {};
  const document = parseDocument(raw, { uniqueKeys: true });
  const [error] = document.errors;
  if (error) {
    const at = error.linePos ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : '';
    // prettyErrors (the default) sets linePos and appends the position and a code frame to the message: keep the reason only.
    const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    issues.push({ path: `${where}.values`, message: `must be YAML of the golden path's values${at}: ${reason}` });
    return undefined;
  }
  const parsed: unknown = document.toJS();
  if (parsed === null || parsed === undefined) return {};
  if (!isObject(parsed)) {
    issues.push({ path: `${where}.values`, message: "must be a YAML mapping of the golden path's values (field: value lines), not a list or a single value" });
    return undefined;
  }
  return parsed;
}

/** The system values with every part's YAML text parsed; issues are named from the values (no `values.` prefix). */
export function parsePartValues(values: Values, issues: SpecIssue[]): Values {
  if (!Array.isArray(values.parts)) return values;
  const parts = values.parts.map((part, index) => {
    if (!isObject(part) || !('values' in part)) return part;
    const parsed = partValuesOf(part.values, partLabel(part, index), issues);
    return { ...part, values: parsed };
  });
  return { ...values, parts };
}

export interface SystemPublishing {
  /** `repos.urlPattern` the publisher decides; undefined when no publisher is given (the values' own applies). */
  urlPattern?: string;
  /** With publisher github: `github.com?owner=acme`, to which `&repo=<name>` is added for publish:github. */
  githubOwnerLocation?: string;
}

export interface SystemPublishingInput {
  publisher: unknown;
  repoUrl: unknown;
  /** `repos.urlPattern` as given in the values, if any. */
  valuesUrlPattern: unknown;
  baseUrl?: string;
  githubHosts?: readonly string[];
}

/** `github.com?owner=acme` (a RepoUrlPicker value without repo) → host and owner. */
function ownerLocation(repoUrl: string): { host: string; owner: string } | undefined {
  const query = repoUrl.indexOf('?');
  if (query <= 0) return undefined;
  const host = repoUrl.slice(0, query);
  const params = new URLSearchParams(repoUrl.slice(query + 1));
  const owner = params.get('owner');
  if (!/^[a-z0-9.-]+(:[0-9]+)?$/i.test(host) || !owner || !/^[A-Za-z0-9_.-]+$/.test(owner) || params.has('repo')) return undefined;
  return { host, owner };
}

/**
 * Where the parts' repos are, from the publisher: the local Git remote (each part at
 * <backend.baseUrl>/api/slipway/git/<part>.git, the URL publish:local serves it at), or one GitHub
 * owner (github.com/<owner>/<part>). Either way each part has a repo of its own, named like it.
 */
export function systemPublishing(input: SystemPublishingInput, issues: SpecIssue[]): SystemPublishing {
  const { publisher, valuesUrlPattern, baseUrl, githubHosts } = input;
  // A template renders an unused form field as '' (`x if cond` with no else): that is no repoUrl.
  const repoUrl = input.repoUrl === '' ? undefined : input.repoUrl;
  if (publisher === undefined) {
    if (repoUrl !== undefined) issues.push({ path: 'repoUrl', message: 'is only used together with publisher' });
    return {};
  }
  if (!PUBLISHERS.includes(publisher as Publisher)) {
    issues.push({ path: 'publisher', message: `must be one of ${PUBLISHERS.join(', ')}` });
    return {};
  }
  if (valuesUrlPattern !== undefined) {
    issues.push({ path: 'values.repos.urlPattern', message: "must not be set when publisher is given: the publisher decides each part's repo" });
    return {};
  }
  if (publisher === 'local') {
    if (repoUrl !== undefined) issues.push({ path: 'repoUrl', message: 'is only used with publisher github' });
    if (!baseUrl) {
      issues.push({ path: 'publisher', message: 'local needs backend.baseUrl in the backend config' });
      return {};
    }
    return { urlPattern: localCloneUrl(baseUrl, NAME_TOKEN) };
  }
  if (githubHosts && githubHosts.length === 0) {
    issues.push({
      path: 'publisher',
      message: 'github is not available on this Backstage: no GitHub integration has credentials; choose local, or ask an administrator to configure GitHub',
    });
    return {};
  }
  const location = typeof repoUrl === 'string' ? ownerLocation(repoUrl) : undefined;
  if (!location) {
    issues.push({ path: 'repoUrl', message: "must be the owner the parts' repos are created under, such as github.com?owner=acme (each repo is named like its part)" });
    return {};
  }
  if (githubHosts && !githubHosts.includes(location.host)) {
    issues.push({ path: 'repoUrl', message: `must be on a GitHub host this Backstage can publish to (${githubHosts.join(', ')}), not ${location.host}` });
    return {};
  }
  return {
    urlPattern: `https://${location.host}/${location.owner}/${NAME_TOKEN}.git`,
    githubOwnerLocation: `${location.host}?owner=${encodeURIComponent(location.owner)}`,
  };
}
