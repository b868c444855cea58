import { asRecord, asString } from '../kube';
import { possibleStrings, type KnownContext } from './expressions';
import { actionName, type WorkflowJob, type WorkflowStep } from './workflow';

/**
 * What a job does, read from its steps: builds and pushes an image, retags one, deploys (and to
 * which environments), pushes commits, uses OIDC. Conservative by design: a check reports only
 * what these find, so a job doing something they do not recognise is not blamed for it.
 */

const BUILD_PUSH_ACTIONS = new Set(['docker/build-push-action', 'docker/bake-action']);
/** `docker build … --push`, `docker buildx bake --push`, kaniko's `--destination`, `ko build`. */
const SCRIPT_BUILD_AND_PUSH = [
  /\b(?:docker|podman)\s+(?:buildx\s+)?(?:build|bake)\b[^\n]*--push\b/,
  /\bexecutor\b[^\n]*--destination\b/,
  /\bko\s+(?:build|publish|resolve|apply)\b/,
];
const SCRIPT_BUILD = /\b(?:docker|podman)\s+(?:buildx\s+)?build\b|\bbuildah\s+(?:bud|build)\b/;
const SCRIPT_PUSH = /\b(?:docker|podman|buildah)\s+push\b/;
/** Copying or tagging a manifest that is already in the registry: no build. */
const SCRIPT_RETAG = /\bimagetools\s+create\b|\bcrane\s+(?:tag|copy|cp)\b|\bskopeo\s+copy\b|\boras\s+(?:tag|copy|cp)\b|\bregctl\s+image\s+copy\b/;
const SCRIPT_DEPLOY =
  /\bgit\s+push\b|\bkustomize\s+edit\s+set\s+image\b|\bkubectl\s+(?:apply|set\s+image|rollout|argo\s+rollouts)\b|\bhelm\s+(?:upgrade|install)\b|\bargocd\s+app\s+(?:sync|set)\b|\bflux\s+reconcile\b/;
const ENVIRONMENT_VARIABLE = /^(?:DEPLOY_)?(?:ENV|ENVIRONMENT|STAGE|TARGET_ENV(?:IRONMENT)?)$/i;
const OVERLAY_PATH = /\boverlays\/([a-z0-9][-a-z0-9]*)\b/gi;

/** Whether a `push:` input can be true: a literal false (or "false") is the only no. */
function pushInputOn(value: unknown): boolean {
  if (value === undefined || value === false) return false;
  return !(typeof value === 'string' && value.trim().toLowerCase() === 'false');
}

/** The steps that build an image and push it to a registry. */
export function imageBuildPushSteps(job: WorkflowJob): WorkflowStep[] {
  const scripts = job.steps.map(step => step.run ?? '').join('\n');
  const buildsInScripts = SCRIPT_BUILD.test(scripts);
  return job.steps.filter(step => {
    const name = actionName(step.uses);
    if (name && BUILD_PUSH_ACTIONS.has(name)) {
      const outputs = asString(step.with.outputs) ?? '';
      return pushInputOn(step.with.push) || /push=true|type=registry/.test(outputs);
    }
    const run = step.run ?? '';
    return SCRIPT_BUILD_AND_PUSH.some(pattern => pattern.test(run)) || (buildsInScripts && SCRIPT_PUSH.test(run));
  });
}

export function retagSteps(job: WorkflowJob): WorkflowStep[] {
  return job.steps.filter(step => SCRIPT_RETAG.test(step.run ?? ''));
}

/** Whether the job deploys: a GitHub environment, or a step that pushes commits or applies manifests. */
export function isDeployJob(job: WorkflowJob): boolean {
  return job.record.environment !== undefined || job.steps.some(step => SCRIPT_DEPLOY.test(step.run ?? ''));
}

/** The GitHub environment name template (`environment: x` or `environment: {name: x}`). */
export function environmentTemplate(job: WorkflowJob): string | undefined {
  const environment = job.record.environment;
  return typeof environment === 'string' ? environment : asString(asRecord(environment)?.name);
}

/**
 * The environments a job deploys to in a scenario: its GitHub environment, else an
 * ENVIRONMENT-like variable of the job, else the overlay folders its scripts name.
 */
export function deployEnvironments(job: WorkflowJob, known: KnownContext): string[] {
  const template = environmentTemplate(job);
  if (template !== undefined) return possibleStrings(template, known).map(name => name.toLowerCase());
  const variables = Object.entries(job.env).filter(([key]) => ENVIRONMENT_VARIABLE.test(key));
  if (variables.length) return [...new Set(variables.flatMap(([, value]) => possibleStrings(value, known)))].map(name => name.toLowerCase());
  const overlays = job.steps.flatMap(step => [...(step.run ?? '').matchAll(OVERLAY_PATH)].map(match => match[1].toLowerCase()));
  return [...new Set(overlays)];
}

/** `kustomize edit set image` arguments, with whether each pins a digest. */
export function imagePins(job: WorkflowJob): Array<{ step: WorkflowStep; argument: string; digest: boolean }> {
  const out: Array<{ step: WorkflowStep; argument: string; digest: boolean }> = [];
  for (const step of job.steps) {
    for (const match of (step.run ?? '').matchAll(/\bkustomize\s+edit\s+set\s+image\s+([^\n;&|)]+)/g)) {
      for (const argument of match[1].trim().split(/\s+/)) {
        const unquoted = argument.replace(/^["']|["']$/g, '');
        out.push({ step, argument: unquoted, digest: unquoted.includes('@') });
      }
    }
  }
  return out;
}

/** Actions that exchange the job's GitHub OIDC token (id-token: write) for cloud or signing credentials. */
const OIDC_ACTIONS = new Set([
  'aws-actions/configure-aws-credentials',
  'google-github-actions/auth',
  'azure/login',
  'hashicorp/vault-action',
  'actions/attest-build-provenance',
  'actions/attest-sbom',
  'actions/attest',
  'sigstore/gh-action-sigstore-python',
  'docker/github-builder',
]);

export function usesOidc(job: WorkflowJob): boolean {
  return job.steps.some(step => {
    const name = actionName(step.uses);
    if (name && OIDC_ACTIONS.has(name)) return true;
    // cosign signs keyless with the OIDC token; scripts may request it themselves.
    return /\bcosign\s+(?:sign|attest)\b|ACTIONS_ID_TOKEN_REQUEST/.test(step.run ?? '');
  });
}

/** Whether the job writes to the repository: pushes commits or tags, creates releases. */
export function writesContents(job: WorkflowJob): boolean {
  return job.steps.some(step => {
    const name = actionName(step.uses) ?? '';
    if (/^(softprops\/action-gh-release|ncipollo\/release-action|peter-evans\/create-pull-request|stefanzweifel\/git-auto-commit-action|actions\/github-script|googleapis\/release-please-action|changesets\/action)$/.test(name)) {
      return true;
    }
    return /\bgit\s+push\b|\bgh\s+(?:release|api|pr)\b/.test(step.run ?? '');
  });
}

/** Whether the job pushes to a registry: builds and pushes, retags, or logs in and pushes by script. */
export function pushesToRegistry(job: WorkflowJob): boolean {
  return imageBuildPushSteps(job).length > 0 || retagSteps(job).length > 0 || job.steps.some(step => SCRIPT_PUSH.test(step.run ?? ''));
}

/** Whether the job creates artifact attestations (actions/attest*). */
export function attestsArtifacts(job: WorkflowJob): boolean {
  return job.steps.some(step => /^actions\/attest(-build-provenance|-sbom)?$/.test(actionName(step.uses) ?? ''));
}
