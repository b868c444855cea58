/**
 * The image bootstrap (seed 000: a base pointing at a tag that was never pushed).
 * A fresh repo deploys nothing until CI has built an image; CI's deploy step pins
 * the image and lifts Argo CD's skip-reconcile in one commit. This test runs the
 * workflow's own sed line and performs the `kustomize edit set image` edit itself
 * (the kubectl shipped for tests has no `kustomize edit`), then validates.
 */
import { promises as fs } from 'fs';
import path from 'path';
import { parse, stringify } from 'yaml';
import { requireShippedKustomize, validateRepoDir } from '@slipway/node';
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

async function runWorkflowSed(dir: string, environment: string): Promise<void> {
  const workflow: Workflow = parse(await fs.readFile(path.join(dir, '.github/workflows/ci.yaml'), 'utf8'));
  const pinStep = workflow.jobs.deploy.steps.find(step => step.name?.startsWith('Pin the image'))!;
  const sedLine = pinStep.run!.split('\n').find(line => line.trim().startsWith('sed '))!;
  await runOk('bash', ['-euo', 'pipefail', '-c', sedLine], { cwd: dir, env: { PATH: process.env.PATH ?? '', ENVIRONMENT: environment } });
}

describe('image bootstrap', () => {
  let dir: string;
  beforeAll(async () => {
    ({ dir } = await generateRepo(await readValuesFile('examples/minimal.yaml')));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('starts with both environments held back by skip-reconcile, and says so', async () => {
    const report = await validateRepoDir(dir, { kustomize: await requireShippedKustomize() });
    expect(report.problems).toEqual([]);
    expect(report.notices.filter(notice => notice.includes('awaiting its first image'))).toHaveLength(2);
  });

  it('accepts the state after CI pinned staging, and only production is still waiting', async () => {
    await pinImage(dir, 'staging', 'sha-0123abc');
    await runWorkflowSed(dir, 'staging');
    const application = await fs.readFile(path.join(dir, 'deploy/argocd/staging.yaml'), 'utf8');
    expect(application).not.toContain('skip-reconcile');
    expect(parse(application).metadata.annotations).toEqual({ 'slipway.dev/generated-by': 'slipway' });
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
