import type { ValidationProblem } from '../types';
import { deployEnvironments, imageBuildPushSteps, imagePins, retagSteps } from '../workflows/jobs';
import { productionMatcher } from '../promotionOrder';
import { runsOf, type Scenario } from '../workflows/scenarios';
import { workflowProblem, workflowsOf, type Workflow, type WorkflowJob } from '../workflows/workflow';
import { defineCheck } from './types';

/**
 * Production must run the bytes staging ran. A job that builds again for a tag (or a release,
 * or a production deploy) produces a new image from the same commit: another base-image pull,
 * other dependency downloads, another digest, untested. Build once on the branch, then promote
 * what was built: look up its digest, tag it without rebuilding (`docker buildx imagetools
 * create`: "If only one source is specified and that source is a manifest list or image index,
 * create performs a carbon copy", docs.docker.com reference) and pin `image@sha256:…`, which
 * no registry push can move (a tag can be moved by anyone who can push).
 */

const ID = 'ci-promote-by-digest';

interface Run {
  workflow: Workflow;
  job: WorkflowJob;
  scenario: Scenario;
}

function checkRepo(workflows: Workflow[], isProductionName: (environment: string) => boolean): ValidationProblem[] {
  const productionOf = (job: WorkflowJob, scenario: Scenario) => deployEnvironments(job, scenario.known).filter(isProductionName);
  const out: ValidationProblem[] = [];
  const builds: Run[] = [];
  const runs: Run[] = [];
  for (const workflow of workflows) {
    for (const job of workflow.jobs) {
      for (const scenario of runsOf(workflow, job)) {
        runs.push({ workflow, job, scenario });
        if (imageBuildPushSteps(job).length) builds.push({ workflow, job, scenario });
      }
    }
  }
  const branchBuild = builds.find(run => run.scenario.kind === 'branch');
  const reported = new Set<string>();
  const report = (run: Run, path: Array<string | number>, text: string) => {
    const key = `${run.workflow.file}\0${path.join('.')}`;
    if (reported.has(key)) return;
    reported.add(key);
    out.push(workflowProblem('ci', ID, run.workflow, path, text));
  };

  for (const run of builds) {
    const step = imageBuildPushSteps(run.job)[0];
    if (run.scenario.kind === 'tag' && branchBuild) {
      report(run, step.path,
        `builds and pushes an image again on a ${run.scenario.label}, although ${branchBuild.scenario.label} already built one for the same commit (${branchBuild.job.id}): ` +
        'production would run bytes staging never ran. Build only on the branch (e.g. if: github.ref == \'refs/heads/main\'), and on the tag look up that image\'s digest and promote it');
    }
    const production = productionOf(run.job, run.scenario);
    if (production.length) {
      report(run, step.path,
        `builds the image it deploys to ${production.join(', ')} (${run.scenario.label}): deploy an image an earlier job built and staging ran, by digest, instead of building one here`);
    }
  }
  for (const run of runs) {
    if (!productionOf(run.job, run.scenario).length || retagSteps(run.job).length) continue;
    const tagPin = imagePins(run.job).find(pin => !pin.digest);
    if (tagPin) {
      report(run, [...tagPin.step.path, 'run'],
        `pins "${tagPin.argument}" for ${productionOf(run.job, run.scenario).join(', ')} by tag (${run.scenario.label}): a tag can be re-pushed, so what runs is not what was tested. ` +
        'Pin the digest (kustomize edit set image "$IMAGE=$IMAGE@$DIGEST"), or retag the tested image with docker buildx imagetools create');
    }
  }
  return out;
}

export const ciPromoteByDigest = defineCheck({
  id: ID,
  check: 'ci',
  summary:
    'No job builds an image again for a tag push or a production deploy when a branch build already made it; production gets the tested image by digest (or by a retag of it), never a rebuild.',
  remediation:
    'Build and push only on the branch; on the tag, look up the digest of that commit\'s image (docker buildx imagetools inspect), tag it with docker buildx imagetools create, and pin image@sha256:<digest> in the production overlay.',
  source: 'https://docs.docker.com/reference/cli/docker/buildx/imagetools/create/ (a single source index is copied as is); https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/images/ (digest)',
  // Production: named like it, or the last environment catalog-info.yaml declares (slipway.dev/environments).
  run: model => checkRepo(workflowsOf(model), productionMatcher(model.files)),
});
