import { ciPromoteByDigest } from './ci-promote-by-digest';
import { DEFECTIVE_WORKFLOW, problemsOf, REGISTRY_VARIANTS, renderCi, WORKFLOW, withWorkflow } from './__fixtures__/ciRepo';
import { editFile } from './__fixtures__/renderedRepo';

const ID = 'ci-promote-by-digest';
const BUILD = '      - uses: docker/build-push-action@0123456789012345678901234567890123456789\n        with: {push: true, tags: x}\n';

describe(ID, () => {
  describe('on the generated repo', () => {
    it.each(['minimal', 'postgres'] as const)('passes the %s variant (built once on main, promoted by digest)', async example => {
      expect(problemsOf(ciPromoteByDigest, await renderCi(example))).toEqual([]);
    });

    it.each(Object.keys(REGISTRY_VARIANTS))('passes the %s variant', async variant => {
      expect(problemsOf(ciPromoteByDigest, await renderCi(REGISTRY_VARIANTS[variant]))).toEqual([]);
    });

    it('passes three environments: promote-production pins the digest promote-staging pinned', async () => {
      expect(problemsOf(ciPromoteByDigest, await renderCi('three-environments'))).toEqual([]);
    });

    it('reports, with three environments, the last promote job pinning the release tag instead of the digest it was handed', async () => {
      const files = editFile(
        await renderCi('three-environments'),
        WORKFLOW,
        /(  promote-production:[\s\S]*?kustomize edit set image ")\$\{IMAGE\}=\$\{IMAGE\}@\$\{DIGEST\}"/,
        '$1${IMAGE}=${IMAGE}:${VERSION}"',
      );
      expect(problemsOf(ciPromoteByDigest, files).map(problem => problem.message)).toEqual([
        expect.stringContaining('jobs.promote-production.steps[1].run: pins "${IMAGE}=${IMAGE}:${VERSION}" for production by tag'),
      ]);
    });

    it('reports defect 10: a v* tag rebuilds sha-X, and production pins a tag', async () => {
      const problems = problemsOf(ciPromoteByDigest, withWorkflow(await renderCi(), DEFECTIVE_WORKFLOW));
      expect(problems.map(problem => problem.rule)).toEqual([ID, ID]);
      expect(problems[0].message).toContain('jobs.image.steps[4]: builds and pushes an image again on a push of tag v1.0.0, although push to main already built one');
      expect(problems[1].message).toContain('jobs.deploy.steps[1].run: pins "${IMAGE}=${IMAGE}:${TAG}" for production by tag');
      expect(problems.every(problem => problem.file === WORKFLOW && typeof problem.line === 'number')).toBe(true);
    });

    it('reports the image job let run on tags again (its condition and the test job\'s both relaxed)', async () => {
      let files = editFile(await renderCi(), WORKFLOW, "if: github.event_name == 'push' && github.ref == 'refs/heads/main'", "if: github.event_name == 'push'");
      files = editFile(files, WORKFLOW, `    if: "!startsWith(github.ref, 'refs/tags/')"\n`, '');
      expect(problemsOf(ciPromoteByDigest, files).map(problem => problem.message)).toEqual([expect.stringContaining('jobs.image.steps[4]: builds and pushes an image again on a push of tag')]);
    });

    it('reports the production pin switched back to a tag once the retag is gone', async () => {
      let files = editFile(await renderCi(), WORKFLOW, /      - name: Tag the release[\s\S]*?run: docker buildx imagetools create[^\n]*\n/, '');
      files = editFile(files, WORKFLOW, 'kustomize edit set image "${IMAGE}=${IMAGE}@${DIGEST}")\n          # The first pinned image turns on Argo CD\'s automated sync for this environment.\n          sed -i \'s/^\\( *enabled:\\) false$/\\1 true/\' "deploy/argocd/${ENVIRONMENT}.yaml"\n      - name: Commit and push\n        env:', 'kustomize edit set image "${IMAGE}=${IMAGE}:${VERSION}")\n      - name: Commit and push\n        env:');
      expect(problemsOf(ciPromoteByDigest, files).map(problem => problem.message)).toEqual([expect.stringContaining('pins "${IMAGE}=${IMAGE}:${VERSION}" for production by tag')]);
    });
  });

  describe('on any repo', () => {
    it('reports a production deploy job that builds its own image', () => {
      const text = `on: {workflow_dispatch: {}}\njobs:\n  release:\n    runs-on: x\n    environment: production\n    steps:\n${BUILD}`;
      expect(problemsOf(ciPromoteByDigest, { [WORKFLOW]: text })[0].message).toContain('builds the image it deploys to production');
    });

    it('accepts a build that runs only for tags (nothing built it before), and a pull-request build that does not push', () => {
      expect(problemsOf(ciPromoteByDigest, { [WORKFLOW]: `on: {push: {tags: ['v*']}}\njobs:\n  image:\n    runs-on: x\n    steps:\n${BUILD}` })).toEqual([]);
      const prBuild = "on: {push: {branches: [main], tags: ['v*']}}\njobs:\n  image:\n    runs-on: x\n    steps:\n      - uses: docker/build-push-action@0123456789012345678901234567890123456789\n        with: {push: false}\n";
      expect(problemsOf(ciPromoteByDigest, { [WORKFLOW]: prBuild })).toEqual([]);
    });

    it('sees builds in other workflow files and scripts that build and push', () => {
      const problems = problemsOf(ciPromoteByDigest, {
        '.github/workflows/main.yml': `on: {push: {branches: [main]}}\njobs:\n  image:\n    runs-on: x\n    steps:\n${BUILD}`,
        '.github/workflows/release.yml': 'on: {release: {types: [published]}}\njobs:\n  image:\n    runs-on: x\n    steps:\n      - run: docker buildx build --push -t "$IMAGE:$TAG" .\n',
      });
      expect(problems.map(problem => problem.file)).toEqual(['.github/workflows/release.yml']);
    });

    it('accepts a production pin by tag when the job retags the tested image', () => {
      const text = "on: {push: {tags: ['v*']}}\njobs:\n  promote:\n    runs-on: x\n    environment: production\n    steps:\n      - run: docker buildx imagetools create -t \"$IMAGE:$V\" \"$IMAGE:sha-$C\"\n      - run: cd deploy/overlays/production && kustomize edit set image \"$IMAGE=$IMAGE:$V\"\n";
      expect(problemsOf(ciPromoteByDigest, { [WORKFLOW]: text })).toEqual([]);
    });

    it('never throws on malformed workflows', () => {
      for (const text of ['on: {push: {tags: 3}}\njobs: {a: {steps: [{uses: 4, with: 5}]}}\n', 'on: [push]\njobs: {a: {environment: {name: 7}, steps: [{run: 3}]}}\n']) {
        expect(() => problemsOf(ciPromoteByDigest, { [WORKFLOW]: text })).not.toThrow();
      }
    });
  });
});
