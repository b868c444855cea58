import type { RepoModel } from '../types';
import { asString, asStringMap, getPath, manifestDirs, parseYamlDocuments, recordsOf } from '../kube';
import { interpolate, type Value } from '../workflows/expressions';
import { imagePins } from '../workflows/jobs';
import { workflowsOf, type WorkflowJob, type WorkflowStep } from '../workflows/workflow';

/**
 * The repo's own images: those its golden path builds and pins. The source of truth is the CI
 * workflow, which every golden path ships: the images its build steps push (docker/build-push-action
 * `tags`, `docker build -t`) and the images its deploy steps pin (`kustomize edit set image
 * <name>=...`), with `${{ env.X }}`, `$X` and `${{ github.repository }}` (from the catalog's
 * github.com/project-slug) resolved. When no workflow says, the overlays' kustomize `images:`
 * entries, where CI writes the pins, stand in (they may pin third-party images too, so only then).
 *
 * First-party images must run a tag a build made (sha-<commit>, v<semver>) or a digest; an
 * untagged one is allowed only while the environment waits for CI's first build. The workload
 * kind no longer matters: a worker's Deployment or a CronJob runs the service's image as much as
 * a Rollout does.
 */

export interface FirstPartyImages {
  /** Registry and path, without tag or digest. */
  repositories: Set<string>;
  /** Where each was declared (`.github/workflows/ci.yaml jobs.image`), for messages and tests. */
  declaredIn: Map<string, string>;
}

/** Registry and path of an image reference (no tag, no digest); undefined when it is still templated. */
export function imageRepository(image: string): string | undefined {
  const trimmed = image.trim().replace(/^["']|["']$/g, '');
  const named = trimmed.split('@')[0];
  const colon = named.lastIndexOf(':');
  // The tag may still be templated (`:sha-${{ github.sha }}`); the repository may not.
  const repository = colon > named.lastIndexOf('/') ? named.slice(0, colon) : named;
  return /^[a-z0-9][a-z0-9._\-/:]*$/i.test(repository) ? repository : undefined;
}

function projectSlug(model: RepoModel): string | undefined {
  const file = ['catalog-info.yaml', 'catalog-info.yml'].find(path => model.files.has(path));
  if (!file) return undefined;
  for (const { value } of parseYamlDocuments(model.files.get(file) ?? '', file)) {
    const slug = asStringMap(getPath(value, 'metadata', 'annotations'))['github.com/project-slug'];
    if (slug) return slug;
  }
  return undefined;
}

/** The expression context a step sees, as far as the repo says: env (workflow, job, step) and the repository. */
function contextFor(job: WorkflowJob, step: WorkflowStep | undefined, slug: string | undefined): Map<string, Value> {
  const known = new Map<string, Value>();
  if (slug) {
    known.set('github.repository', slug);
    known.set('github.repository_owner', slug.split('/')[0]);
  }
  const env = { ...job.env, ...(step?.env ?? {}) };
  // Two rounds: an env value may name another (IMAGE: ${{ env.REGISTRY }}/app).
  for (let round = 0; round < 2; round++) {
    for (const [key, value] of Object.entries(env)) known.set(`env.${key}`, interpolate(value, known).value);
  }
  return known;
}

/** `${{ expr }}`, `${VAR}` and `$VAR` replaced from the context; what stays unknown keeps its `$`. */
function resolve(text: string, known: Map<string, Value>): string {
  const expressions = interpolate(text, known).value;
  return expressions.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const value = known.get(`env.${braced ?? bare}`);
    return typeof value === 'string' ? value : whole;
  });
}

const SCRIPT_TAG = /\b(?:docker|podman|buildah)\s+(?:buildx\s+)?(?:build|bud)\b[^\n]*?\s(?:-t|--tag)[=\s]+(\S+)/g;

function fromWorkflows(model: RepoModel, add: (image: string, where: string) => void): void {
  const slug = projectSlug(model);
  for (const workflow of workflowsOf(model)) {
    for (const job of workflow.jobs) {
      const where = `${workflow.file} ${job.field}`;
      // Resolving env is the costly part: only for the steps that name an image.
      const known = (step: WorkflowStep) => contextFor(job, step, slug);
      for (const step of job.steps) {
        // docker/build-push-action and bake-action push `tags`; docker/metadata-action computes them from `images`.
        if (step.uses && /^docker\/(?:build-push|bake|metadata)-action@/i.test(step.uses)) {
          for (const key of ['tags', 'images']) {
            const value = asString(step.with[key]);
            if (value) value.split(/[\n,]/).forEach(tag => add(resolve(tag, known(step)), where));
          }
        }
        const scripted = step.run && /\bbu(?:ild|d)\b/.test(step.run) ? [...step.run.matchAll(SCRIPT_TAG)] : [];
        if (scripted.length > 0) scripted.forEach(match => add(resolve(match[1], known(step)), where));
      }
      for (const pin of imagePins(job)) add(resolve(pin.argument.split('=')[0], known(pin.step)), where);
    }
  }
}

/** The images the overlays' kustomizations pin (`images: [{name, newName}]`), which CI rewrites. */
function fromOverlays(model: RepoModel, add: (image: string, where: string) => void): void {
  for (const [file, text] of model.files) {
    const overlays = manifestDirs(model).overlays;
    if (!file.startsWith(overlays) || !/^[^/]+\/kustomization\.ya?ml$/.test(file.slice(overlays.length))) continue;
    for (const { value } of parseYamlDocuments(text, file)) {
      for (const { record } of recordsOf(getPath(value, 'images'))) {
        for (const key of ['name', 'newName']) {
          const image = asString(record[key]);
          if (image) add(image, `${file} images`);
        }
      }
    }
  }
}

const FIRST_PARTY_IMAGES = Symbol('slipway.firstPartyImages');

/**
 * Read once per model's files (kept on the files map: see kube/memo.ts), like the workflows it
 * comes from (workflowsOf): the policy checks and the notices both ask.
 */
export function firstPartyImages(model: RepoModel): FirstPartyImages {
  const holder = model.files as RepoModel['files'] & { [FIRST_PARTY_IMAGES]?: FirstPartyImages };
  const cached = holder[FIRST_PARTY_IMAGES];
  if (cached) return cached;
  const repositories = new Set<string>();
  const declaredIn = new Map<string, string>();
  const add = (image: string, where: string) => {
    const repository = imageRepository(image);
    if (!repository) return;
    repositories.add(repository);
    if (!declaredIn.has(repository)) declaredIn.set(repository, where);
  };
  fromWorkflows(model, add);
  // Overlays may pin third-party images too: they speak only when no workflow does.
  if (repositories.size === 0) fromOverlays(model, add);
  const result = { repositories, declaredIn };
  Object.defineProperty(holder, FIRST_PARTY_IMAGES, { value: result, enumerable: false, writable: true, configurable: true });
  return result;
}
