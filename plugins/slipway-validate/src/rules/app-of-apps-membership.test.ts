import { stringify } from 'yaml';
import type { RepoModel } from '../types';
import { appOfAppsMembership, checkAppOfApps, type AppOfAppsRepo, type WaveOrder } from './app-of-apps-membership';

/* A two-part system by hand: web calls api; shop-system holds the app-of-apps of staging. */

const url = (name: string) => `https://git.example/${name}.git`;

function child(part: string, wave: number, owner = 'shop-staging'): object {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: `${part}-staging`, namespace: 'argocd', labels: { 'slipway.dev/app-of-apps': owner }, annotations: { 'argocd.argoproj.io/sync-wave': String(wave) } },
    spec: { project: 'default', source: { repoURL: url(part), targetRevision: 'main', path: 'deploy/overlays/staging' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'shop-staging' } },
  };
}

function partRepo(part: string, wave: number, extra: Record<string, string> = {}): AppOfAppsRepo {
  return {
    name: part,
    repoUrl: url(part),
    files: new Map(Object.entries({
      'deploy/argocd/staging.yaml': stringify(child(part, wave)),
      'deploy/argocd/kustomization.yaml': 'resources:\n  - staging.yaml\n',
      'deploy/overlays/staging/kustomization.yaml': 'resources:\n  - ../../base\n',
      ...extra,
    })),
  };
}

function appOfApps(sources: Array<{ part: string; include: string; repoURL?: string }>, name = 'shop-staging'): string {
  return stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', labels: { 'slipway.dev/role': 'app-of-apps' } },
    spec: {
      project: 'default',
      sources: sources.map(({ part, include, repoURL }) => ({ name: part, repoURL: repoURL ?? url(part), targetRevision: 'main', path: 'deploy/argocd', directory: { include } })),
      destination: { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
    },
  });
}

const systemRepo = (files: Record<string, string>): AppOfAppsRepo => ({ name: 'shop-system', repoUrl: url('shop-system'), files: new Map(Object.entries(files)) });
const bothListed = () => systemRepo({ 'argocd/staging.yaml': appOfApps([{ part: 'api', include: 'staging.yaml' }, { part: 'web', include: 'staging.yaml' }]) });
const order: WaveOrder[] = [{ before: 'api', after: 'web', why: 'calls api' }];

describe('app-of-apps-membership, across a system (checkAppOfApps)', () => {
  it('passes when each part is listed once by its environment, with the callee in a lower wave', () => {
    expect(checkAppOfApps([bothListed(), partRepo('api', 1), partRepo('web', 2)], order)).toEqual([]);
  });

  it('names a part its environment does not list', () => {
    const repos = [systemRepo({ 'argocd/staging.yaml': appOfApps([{ part: 'api', include: 'staging.yaml' }]) }), partRepo('api', 1), partRepo('web', 2)];
    const [problem, ...rest] = checkAppOfApps(repos, order);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ rule: 'app-of-apps-membership', repo: 'web', object: 'Application/web-staging', file: 'deploy/argocd/staging.yaml' });
    expect(problem.message).toContain('names the app-of-apps shop-staging, but shop-staging does not list deploy/argocd/staging.yaml');
  });

  it('names an include that resolves to no file of the part', () => {
    const repos = [systemRepo({ 'argocd/staging.yaml': appOfApps([{ part: 'api', include: 'staging.yaml' }, { part: 'web', include: '{staging.yaml,staging-cache.yaml}' }]) }), partRepo('api', 1), partRepo('web', 2)];
    const problems = checkAppOfApps(repos, order);
    expect(problems.map(problem => [problem.repo, problem.object])).toEqual([['shop-system', 'Application/shop-staging']]);
    expect(problems[0].message).toContain("spec.sources[1]: directory.include names staging-cache.yaml, which is not a file of deploy/argocd in repo web");
  });

  it('names a source whose repo is none of the system', () => {
    const repos = [systemRepo({ 'argocd/staging.yaml': appOfApps([{ part: 'api', include: 'staging.yaml' }, { part: 'web', include: 'staging.yaml', repoURL: url('elsewhere') }]) }), partRepo('api', 1), partRepo('web', 2)];
    const messages = checkAppOfApps(repos).map(problem => problem.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain(`spec.sources[1].repoURL: ${url('elsewhere')} is none of the system's repos`);
    expect(messages[1]).toContain('Application/web-staging');
  });

  it('names an Application listed twice, and one a second app-of-apps also owns (the part\'s own apps.yaml)', () => {
    const twice = [systemRepo({ 'argocd/staging.yaml': appOfApps([{ part: 'api', include: 'staging.yaml' }, { part: 'web', include: 'staging.yaml' }, { part: 'web', include: '*.yaml' }]) }), partRepo('api', 1), partRepo('web', 2)];
    const [listedTwice, ...rest] = checkAppOfApps(twice, order);
    expect(rest).toEqual([]);
    expect(listedTwice.message).toContain('is listed 2 times by shop-staging (spec.sources[1], spec.sources[2])');

    const ownApps = stringify({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'web-apps', namespace: 'argocd' },
      spec: { project: 'default', source: { repoURL: url('web'), targetRevision: 'main', path: 'deploy/argocd' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'argocd' } },
    });
    const web = partRepo('web', 2, { 'deploy/argocd/apps.yaml': ownApps, 'deploy/argocd/kustomization.yaml': 'resources:\n  - apps.yaml\n  - staging.yaml\n' });
    const [shared, ...others] = checkAppOfApps([bothListed(), partRepo('api', 1), web], order);
    expect(others).toEqual([]);
    expect(shared).toMatchObject({ repo: 'web', object: 'Application/web-staging' });
    expect(shared.message).toContain('is also deployed by Application web-apps (web: deploy/argocd/apps.yaml), not only by shop-staging');
    expect(shared.message).toContain('SharedResourceWarning');
  });

  it('names a caller whose wave is not above its callee\'s, and lets a cycle share a wave', () => {
    const [problem, ...rest] = checkAppOfApps([bothListed(), partRepo('api', 2), partRepo('web', 2)], order);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ repo: 'web', object: 'Application/web-staging' });
    expect(problem.message).toContain('metadata.annotations.argocd.argoproj.io/sync-wave: is wave 2 in shop-staging, but web calls api and api\'s Applications are up to wave 2');
    const cycle: WaveOrder[] = [...order, { before: 'web', after: 'api', why: 'calls web' }];
    expect(checkAppOfApps([bothListed(), partRepo('api', 2), partRepo('web', 2)], cycle)).toEqual([]);
  });
});

describe('app-of-apps-membership, inside one repo', () => {
  const model = (files: Record<string, string>): RepoModel => ({ files: new Map(Object.entries(files)), environments: new Map(), rawObjects: [] });

  it('passes a part whose owner is in another repo, and a config repo whose app-of-apps lists its parts\' folders', () => {
    expect(appOfAppsMembership.run(model(Object.fromEntries(partRepo('api', 1).files)))).toEqual([]);
    const config = {
      'argocd/staging.yaml': appOfApps([{ part: 'api', include: 'staging.yaml', repoURL: url('shop-config') }]).replace(/deploy\/argocd/g, 'apps/api/argocd'),
      'apps/api/argocd/staging.yaml': stringify(child('api', 1)),
      'apps/api/argocd/kustomization.yaml': 'resources:\n  - staging.yaml\n',
    };
    expect(appOfAppsMembership.run(model(config))).toEqual([]);
    const misnamed = { ...config, 'argocd/staging.yaml': config['argocd/staging.yaml'].replace('include: staging.yaml', 'include: stagin.yaml') };
    const messages = appOfAppsMembership.run(model(misnamed)).map(problem => problem.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('directory.include names stagin.yaml, which is not a file of apps/api/argocd in this repo');
    expect(messages[1]).toContain('names the app-of-apps shop-staging, but shop-staging does not list apps/api/argocd/staging.yaml');
  });
});
