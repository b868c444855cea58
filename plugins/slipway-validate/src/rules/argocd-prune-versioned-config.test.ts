import { argocdPruneVersionedConfig } from './argocd-prune-versioned-config';
import { editFile, renderExample, renderGoldenPathExample, unitProblems } from './__fixtures__/renderedRepo';

const ID = 'argocd-prune-versioned-config';
const ANNOTATIONS = /\n  annotations:\n    argocd\.argoproj\.io\/sync-options: Prune=false\n    argocd\.argoproj\.io\/compare-options: IgnoreExtraneous\n/;

describe(ID, () => {
  it('passes every example with config (node-service log-output, node-worker pod-options) and one without', async () => {
    expect(await unitProblems(argocdPruneVersionedConfig, await renderGoldenPathExample('node-service', 'log-output'))).toEqual([]);
    expect(await unitProblems(argocdPruneVersionedConfig, await renderGoldenPathExample('node-worker', 'pod-options'))).toEqual([]);
    expect(await unitProblems(argocdPruneVersionedConfig, await renderExample('minimal'))).toEqual([]);
  });

  it('reports each generated ConfigMap the Rollout reads once Prune=false goes, per environment, naming the stable pods it would break', async () => {
    const files = editFile(await renderGoldenPathExample('node-service', 'log-output'), 'deploy/base/kustomization.yaml', ANNOTATIONS, '\n');
    const problems = await unitProblems(argocdPruneVersionedConfig, files);
    // Two ConfigMaps (env, files) in each of the two overlays; the files one is the same in both, so it reads as one problem.
    expect(problems.map(problem => problem.object).sort()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^ConfigMap\/log-output-env-[245-9bcdfghkmt]{10}$/), expect.stringMatching(/^ConfigMap\/log-output-files-/)]),
    );
    for (const problem of problems) {
      expect(problem.message).toContain('read by Rollout/log-output');
      expect(problem.message).toContain('CreateContainerConfigError');
      expect(problem.message).toContain('argocd.argoproj.io/sync-options: Prune=false and argocd.argoproj.io/compare-options: IgnoreExtraneous');
    }
  });

  it("finds static-frontend's per-environment nginx backends ConfigMap, which its Deployment's previous ReplicaSet mounts", async () => {
    const clean = await renderGoldenPathExample('static-frontend', 'storefront');
    expect(await unitProblems(argocdPruneVersionedConfig, clean)).toEqual([]);
    const files = editFile(
      clean,
      'deploy/overlays/production/kustomization.yaml',
      /\n      annotations:\n        argocd\.argoproj\.io\/sync-options: Prune=false\n        argocd\.argoproj\.io\/compare-options: IgnoreExtraneous/,
      '',
    );
    const problems = await unitProblems(argocdPruneVersionedConfig, files);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ environment: 'production', object: expect.stringMatching(/^ConfigMap\/storefront-nginx-backends-/) });
    expect(problems[0].message).toContain('(the rolling update still under way, a rollback, a restart, the autoscaler)');
  });

  it('asks for IgnoreExtraneous alone when the ConfigMaps are kept but would hold the Application OutOfSync', async () => {
    const files = editFile(
      await renderGoldenPathExample('node-worker', 'pod-options'),
      'deploy/base/kustomization.yaml',
      /\n    argocd\.argoproj\.io\/compare-options: IgnoreExtraneous/,
      '',
    );
    const problems = await unitProblems(argocdPruneVersionedConfig, files);
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) {
      expect(problem.message).toMatch(/OutOfSync after every config change\. Annotate it argocd\.argoproj\.io\/compare-options: IgnoreExtraneous \(/);
    }
  });

  it('leaves a ConfigMap with a plain name alone (kustomize made no hash: an edit changes it in place)', async () => {
    const files = editFile(
      await renderGoldenPathExample('node-service', 'log-output'),
      'deploy/base/kustomization.yaml',
      ANNOTATIONS,
      '\n  disableNameSuffixHash: true\n',
    );
    expect(await unitProblems(argocdPruneVersionedConfig, files)).toEqual([]);
  });
});
