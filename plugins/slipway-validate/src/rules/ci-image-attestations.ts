import type { ValidationProblem } from '../types';
import { asString } from '../kube';
import { imageBuildPushSteps } from '../workflows/jobs';
import { actionName, workflowProblem, workflowsOf, type Workflow, type WorkflowJob } from '../workflows/workflow';
import { defineCheck } from './types';

/**
 * Every pushed image carries an SBOM and a provenance attestation, so a consumer (an admission
 * policy, a scanner, an auditor) can tell what is inside and which workflow built it from which
 * commit. docker/build-push-action adds provenance on its own only in a limited form: "If the
 * GitHub repository is private, provenance attestations with mode=min are automatically added",
 * and no SBOM unless `sbom: true` (docs.docker.com, build/ci/github-actions/attestations).
 * Either BuildKit attestations on the build step, or GitHub artifact attestations
 * (actions/attest-build-provenance, actions/attest-sbom) in the same job, count.
 */

const ID = 'ci-image-attestations';
const SBOM_ACTIONS = /^(actions\/attest-sbom|anchore\/sbom-action)$/;
const PROVENANCE_ACTIONS = /^(actions\/attest-build-provenance|actions\/attest)$/;

const off = (value: unknown) => value === undefined || value === false || (typeof value === 'string' && /^(false|0)$/i.test(value.trim()));

function checkJob(workflow: Workflow, job: WorkflowJob): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const actions = job.steps.map(step => actionName(step.uses) ?? '');
  const jobSbom = actions.some(name => SBOM_ACTIONS.test(name));
  const jobProvenance = actions.some(name => PROVENANCE_ACTIONS.test(name));
  for (const step of imageBuildPushSteps(job)) {
    const usesAction = actionName(step.uses) !== undefined;
    const attests = asString(step.with.attests) ?? '';
    const script = step.run ?? '';
    const sbom = jobSbom || (usesAction ? !off(step.with.sbom) || /type=sbom/.test(attests) : /--sbom(=true)?\b|--attest[= ]type=sbom/.test(script));
    // build-push-action adds provenance unless told not to (min for private repositories); a script build only when asked.
    const provenance =
      jobProvenance ||
      (usesAction ? step.with.provenance === undefined || !off(step.with.provenance) : /--provenance(=(true|mode=(min|max)))?\b|--attest[= ]type=provenance/.test(script));
    const missing = [...(sbom ? [] : ['an SBOM']), ...(provenance ? [] : ['a provenance attestation'])];
    if (missing.length) {
      out.push(workflowProblem('ci', ID, workflow, step.path,
        `pushes an image without ${missing.join(' or ')}: nobody can check what is in it or which workflow built it. ` +
        (usesAction ? 'Add sbom: true and provenance: mode=max to this step' : 'Add --sbom=true --provenance=mode=max to the build') +
        ' (or actions/attest-build-provenance and actions/attest-sbom in this job)'));
    }
  }
  return out;
}

export const ciImageAttestations = defineCheck({
  id: ID,
  check: 'ci',
  summary: 'Every image a workflow builds and pushes carries an SBOM and a provenance attestation (BuildKit attestations or GitHub artifact attestations).',
  remediation: 'On docker/build-push-action set sbom: true and provenance: mode=max (no secrets in build args), or add actions/attest-build-provenance and actions/attest-sbom to the job.',
  source: 'https://docs.docker.com/build/ci/github-actions/attestations/',
  run: model => workflowsOf(model).flatMap(workflow => workflow.jobs.flatMap(job => checkJob(workflow, job))),
});
