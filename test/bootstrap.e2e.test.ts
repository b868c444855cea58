/**
 * The image bootstrap (seed 000: a base pointing at a tag that was never pushed).
 * A fresh repo deploys nothing until CI has built an image: each environment's Application
 * starts with automated sync disabled (`spec.syncPolicy.automated.enabled: false`, not the
 * Alpha skip-reconcile), and the app-of-apps deploy/argocd/apps.yaml owns them, so CI's
 * commit (pin the image, enable automated sync) reaches the cluster. This test runs the
 * workflow's own sed line and performs the `kustomize edit set image` edit itself (the
 * kubectl shipped for tests has no `kustomize edit`), then validates. It also shows the
 * order Argo CD syncs the postgres variant in, from the repo's own built overlay.
 */
import { promises as fs } from 'fs';
import path from 'path';
import { parse, stringify } from 'yaml';
import { requireShippedKustomize, simulateSync, validateRepoDir, type RepoModel } from '@slipway/validate';
import { generateRepo, readValuesFile } from './support/generatedRepo';
import { runOk } from './support/processes';

type Workflow = { jobs: Record<string, { steps: Array<{ name?: string; run?: string }> }> };

async function pinImage(dir: string, environment: string, tag: string): Promise<void> {
  const kustomizationPath = path.join(dir, 'deploy/overlays', environment, 'kustomization.yaml');
  const kustomization = parse(await fs.readFile(kustomizationPath, 'utf8'));
  const rollout = parse(await fs.readFile(path.join(dir, 'deploy/base/rollout.yaml'), 'utf8'));
  const image: string = rollout.spec.template.spec.containers[0].image;
  kustomization.images = [{ name: image, newTag: tag }];
  await fs.writeFile(kustomizationPath, stringify(kustomization));
}

async function runWorkflowSed(dir: string, environment: string, job = 'deploy'): Promise<void> {
  const workflow: Workflow = parse(await fs.readFile(path.join(dir, '.github/workflows/ci.yaml'), 'utf8'));
  const pinStep = workflow.jobs[job].steps.find(step => step.name?.startsWith('Pin the image'))!;
  const sedLine = pinStep.run!.split('\n').find(line => line.trim().startsWith('sed '))!;
  await runOk('bash', ['-euo', 'pipefail', '-c', sedLine], { cwd: dir, env: { PATH: process.env.PATH ?? '', ENVIRONMENT: environment } });
}

describe('image bootstrap', () => {
  let dir: string;
  beforeAll(async () => {
    ({ dir } = await generateRepo(await readValuesFile('skeletons/node-service/examples/minimal.yaml')));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('starts with both environments held back (automated sync disabled), owned by the app-of-apps, and says so', async () => {
    const report = await validateRepoDir(dir, { kustomize: await requireShippedKustomize() });
    expect(report.problems).toEqual([]);
    expect(report.notices.filter(notice => notice.includes('awaiting its first image'))).toHaveLength(2);
    const apps = parse(await fs.readFile(path.join(dir, 'deploy/argocd/apps.yaml'), 'utf8'));
    expect(apps.spec.source.path).toBe('deploy/argocd');
    expect(parse(await fs.readFile(path.join(dir, 'deploy/argocd/kustomization.yaml'), 'utf8')).resources).toEqual(['apps.yaml', 'staging.yaml', 'production.yaml']);
    for (const environment of ['staging', 'production']) {
      const application = parse(await fs.readFile(path.join(dir, `deploy/argocd/${environment}.yaml`), 'utf8'));
      expect(application.spec.syncPolicy.automated).toEqual({ enabled: false, prune: true, selfHeal: true });
      expect(application.metadata.annotations).toEqual({ 'slipway.dev/generated-by': 'slipway' });
    }
  });

  it('accepts the state after CI pinned staging, and only production is still waiting', async () => {
    await pinImage(dir, 'staging', 'sha-0123abc');
    await runWorkflowSed(dir, 'staging');
    const application = parse(await fs.readFile(path.join(dir, 'deploy/argocd/staging.yaml'), 'utf8'));
    expect(application.spec.syncPolicy.automated).toEqual({ enabled: true, prune: true, selfHeal: true });
    expect(parse(await fs.readFile(path.join(dir, 'deploy/argocd/production.yaml'), 'utf8')).spec.syncPolicy.automated.enabled).toBe(false);
    const report = await validateRepoDir(dir, { kustomize: await requireShippedKustomize() });
    expect(report.problems).toEqual([]);
    expect(report.notices.filter(notice => notice.includes('awaiting its first image'))).toEqual([
      expect.stringMatching(/^production:/),
    ]);
  });

  it('rejects a tag no CI build makes (the seed\'s staging-initial)', async () => {
    await pinImage(dir, 'staging', 'staging-initial');
    const report = await validateRepoDir(dir, { kustomize: await requireShippedKustomize() });
    expect(report.problems).toContainEqual(expect.objectContaining({ rule: 'image-unpinned', environment: 'staging' }));
  });

  it('rejects an untagged image once Argo CD would reconcile it', async () => {
    const overlay = path.join(dir, 'deploy/overlays/staging/kustomization.yaml');
    const kustomization = parse(await fs.readFile(overlay, 'utf8'));
    delete kustomization.images;
    await fs.writeFile(overlay, stringify(kustomization));
    const report = await validateRepoDir(dir, { kustomize: await requireShippedKustomize() });
    expect(report.problems).toContainEqual(expect.objectContaining({ rule: 'image-untagged', environment: 'staging' }));
  });
});

describe('image bootstrap with three environments (dev → staging → production)', () => {
  let dir: string;
  beforeAll(async () => {
    ({ dir } = await generateRepo(await readValuesFile('skeletons/node-service/examples/three-environments.yaml')));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  const held = async () => {
    const out: string[] = [];
    for (const environment of ['dev', 'staging', 'production']) {
      const application = parse(await fs.readFile(path.join(dir, `deploy/argocd/${environment}.yaml`), 'utf8'));
      if (application.spec.syncPolicy.automated.enabled === false) out.push(environment);
    }
    return out;
  };

  it('lifts each environment\'s hold with its own job\'s pin step, in promotion order', async () => {
    expect(await held()).toEqual(['dev', 'staging', 'production']);
    const steps: Array<[string, string]> = [['deploy', 'dev'], ['promote-staging', 'staging'], ['promote-production', 'production']];
    const stillHeld: string[][] = [];
    for (const [job, environment] of steps) {
      await pinImage(dir, environment, 'sha-0123abc');
      await runWorkflowSed(dir, environment, job);
      stillHeld.push(await held());
      const report = await validateRepoDir(dir, { kustomize: await requireShippedKustomize() });
      expect(report.problems).toEqual([]);
      const waiting = report.notices.filter(notice => notice.includes('awaiting its first image')).map(notice => notice.split(':')[0]);
      expect(waiting.sort()).toEqual((await held()).sort());
    }
    expect(stillHeld).toEqual([['staging', 'production'], ['production'], []]);
  }, 120_000);
});

describe('Argo CD sync order of the postgres variant (simulated from its built overlays)', () => {
  it('applies the ServiceAccount and the Cluster, then the migration hook, then the Rollout', async () => {
    const { dir } = await generateRepo(await readValuesFile('skeletons/node-service/examples/postgres.yaml'));
    try {
      let model: RepoModel | undefined;
      const capture = { id: 'capture-model', check: 'reference' as const, summary: 'test', remediation: 'test', run: (seen: RepoModel) => ((model = seen), []) };
      const report = await validateRepoDir(dir, { kustomize: await requireShippedKustomize(), checkUnits: [capture] });
      expect(report.problems).toEqual([]);
      for (const environment of ['staging', 'production']) {
        const steps = simulateSync({ environment, objects: model!.environments.get(environment)! }).map(
          task => `${task.phases[0]}/${task.wave}/${task.object.kind}/${task.object.metadata.name}`,
        );
        // Wave -2 is healthy (the Cluster's health check) before the hook runs; the hook completes before wave 0.
        expect(steps.slice(0, 3)).toEqual(['Sync/-2/ServiceAccount/billing', 'Sync/-2/Cluster/billing-db', 'Sync/-1/Job/billing-migrate']);
        expect(steps.slice(3).every(step => step.startsWith('Sync/0/'))).toBe(true);
        expect(steps).toContain('Sync/0/Rollout/billing');
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
