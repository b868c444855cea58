import type { SpecIssue } from '@slipway/common';
import { gitopsRepoUrlFor } from './gitopsRepoUrl';

function run(input: Partial<Parameters<typeof gitopsRepoUrlFor>[0]>) {
  const issues: SpecIssue[] = [];
  const url = gitopsRepoUrlFor({ publisher: undefined, repoUrl: undefined, specRepoUrl: undefined, name: 'orders', ...input }, issues);
  return { url, issues };
}

describe('gitopsRepoUrlFor', () => {
  it('leaves the spec in charge when no publisher is given', () => {
    expect(run({})).toEqual({ url: undefined, issues: [] });
  });

  it('points local publishing at the embedded remote', () => {
    expect(run({ publisher: 'local', baseUrl: 'http://localhost:7007/' })).toEqual({
      url: 'http://localhost:7007/api/slipway/git/orders.git',
      issues: [],
    });
  });

  it('turns the RepoUrlPicker value into an https clone URL for GitHub', () => {
    expect(run({ publisher: 'github', repoUrl: 'github.com?owner=acme&repo=orders' }).url).toBe('https://github.com/acme/orders.git');
  });

  it.each([
    [{ publisher: 'gitlab' }, 'publisher', 'must be one of local, github'],
    [{ publisher: 'github' }, 'repoUrl', 'repository location'],
    [{ publisher: 'github', repoUrl: 'github.com?owner=../x&repo=y' }, 'repoUrl', 'repository location'],
    [{ publisher: 'local' }, 'publisher', 'backend.baseUrl'],
    [{ publisher: 'local', baseUrl: 'http://x', specRepoUrl: 'https://a/b.git' }, 'gitops.repoUrl', 'must not be set'],
    [{ repoUrl: 'github.com?owner=a&repo=b' }, 'repoUrl', 'only used together with publisher'],
  ])('rejects %j naming the field and the rule', (input, field, rule) => {
    expect(run(input).issues).toEqual([{ path: field, message: expect.stringContaining(rule) }]);
  });

  // Issue 7: "The form offers GitHub, and the task fails after generate and validate."
  it('finding: GitHub is offered without credentials — refused up front when no GitHub host has credentials', () => {
    const github = { publisher: 'github', repoUrl: 'github.com?owner=acme&repo=orders' };
    expect(run({ ...github, githubHosts: [] }).issues).toEqual([
      { path: 'publisher', message: expect.stringContaining('github is not available on this Backstage: no GitHub integration has credentials') },
    ]);
    expect(run({ ...github, githubHosts: ['ghe.acme.example'] }).issues).toEqual([
      { path: 'repoUrl', message: 'must be on a GitHub host this Backstage can publish to (ghe.acme.example), not github.com' },
    ]);
    expect(run({ ...github, githubHosts: ['github.com'] })).toEqual({ url: 'https://github.com/acme/orders.git', issues: [] });
    // Local publishing does not care about GitHub.
    expect(run({ publisher: 'local', baseUrl: 'http://localhost:7007', githubHosts: [] }).issues).toEqual([]);
  });
});
