import { ciImageAttestations } from './ci-image-attestations';
import { DEFECTIVE_WORKFLOW, problemsOf, REGISTRY_VARIANTS, renderCi, WORKFLOW, withWorkflow } from './__fixtures__/ciRepo';
import { editFile } from './__fixtures__/renderedRepo';

const ID = 'ci-image-attestations';
const SHA = '0123456789012345678901234567890123456789';
const job = (steps: string) => ({ [WORKFLOW]: `on: push\njobs:\n  image:\n    runs-on: x\n    steps:\n${steps}` });

describe(ID, () => {
  it.each(Object.keys(REGISTRY_VARIANTS))('passes the generated repo (%s): sbom: true, provenance: mode=max', async variant => {
    expect(problemsOf(ciImageAttestations, await renderCi(REGISTRY_VARIANTS[variant]))).toEqual([]);
  });

  it('reports defect 13: the pre-issue build pushed no SBOM', async () => {
    const problems = problemsOf(ciImageAttestations, withWorkflow(await renderCi(), DEFECTIVE_WORKFLOW));
    expect(problems).toEqual([expect.objectContaining({ rule: ID, file: WORKFLOW, message: expect.stringContaining('jobs.image.steps[4]: pushes an image without an SBOM') })]);
  });

  it('reports provenance turned off', async () => {
    const files = editFile(await renderCi(), WORKFLOW, 'provenance: mode=max', 'provenance: false');
    expect(problemsOf(ciImageAttestations, files)[0].message).toContain('without a provenance attestation');
  });

  it('reports a scripted build that pushes without attestations, and accepts one with them', () => {
    expect(problemsOf(ciImageAttestations, job('      - run: docker buildx build --push -t x .\n'))[0].message).toContain('without an SBOM or a provenance attestation');
    expect(problemsOf(ciImageAttestations, job('      - run: docker buildx build --push --sbom=true --provenance=mode=max -t x .\n'))).toEqual([]);
  });

  it('accepts GitHub artifact attestations in the job instead, and ignores builds that do not push', () => {
    const attested = `      - uses: docker/build-push-action@${SHA}\n        with: {push: true, provenance: false}\n      - uses: actions/attest-build-provenance@${SHA}\n      - uses: actions/attest-sbom@${SHA}\n`;
    expect(problemsOf(ciImageAttestations, job(attested))).toEqual([]);
    expect(problemsOf(ciImageAttestations, job(`      - uses: docker/build-push-action@${SHA}\n        with: {push: false}\n`))).toEqual([]);
  });

  it('never throws on malformed workflows', () => {
    expect(() => problemsOf(ciImageAttestations, { [WORKFLOW]: 'jobs: {a: {steps: [{uses: docker/build-push-action@x, with: {push: [1], sbom: {}}}]}}\n' })).not.toThrow();
  });
});
