import type { ModelCheck, RepoModel, ValidationProblem } from '../types';
import { firstPartyImages } from './firstPartyImages';
import {
  asArray,
  asRecord,
  asString,
  containersOf,
  gatedEnvironments,
  getPath,
  objectSets,
  SKIP_RECONCILE_ANNOTATION,
  podTemplates,
  problemsFor,
  type ObjectSet,
} from '../kube';

/**
 * Image references. A built overlay must deploy an image a build made: our CI pushes
 * `sha-<commit>` (and releases `v<semver>`); third-party images need an explicit tag.
 * Seed 000 deployed a base tag (`staging-initial`) that was never pushed. Which images are the
 * repo's own comes from its CI workflow (firstPartyImages.ts), whatever workload runs them.
 */

const problem = problemsFor('policy');
export { SKIP_RECONCILE_ANNOTATION };

const CI_TAG = /^sha-[0-9a-f]{7,40}$/;
const RELEASE_TAG = /^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export interface ImageReference {
  /** Registry and path, without tag or digest. */
  repository: string;
  tag?: string;
  digest?: string;
}

export function parseImage(image: string): ImageReference {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const named = at >= 0 ? image.slice(0, at) : image;
  const colon = named.lastIndexOf(':');
  // A colon before the last '/' is a registry port (localhost:5000/app), not a tag.
  if (colon > named.lastIndexOf('/')) {
    return { repository: named.slice(0, colon), tag: named.slice(colon + 1), digest };
  }
  return { repository: named, digest };
}

/**
 * Environments whose Argo CD Application is held back until CI's first build (automated sync
 * `enabled: false`, or the older `skip-reconcile: "true"`): the bootstrap state, when the
 * overlay may leave the service image untagged.
 */
export function skipReconcileEnvironments(model: RepoModel): Set<string> {
  return new Set(gatedEnvironments(model).keys());
}

/** `spec.source.path` and each `spec.sources[].path` of an Argo CD Application. */
export function applicationSourcePaths(application: unknown): string[] {
  const sources = [getPath(application, 'spec', 'source'), ...asArray(getPath(application, 'spec', 'sources'))];
  return sources.map(source => asString(asRecord(source)?.path)).filter((path): path is string => !!path);
}

/** Whether the set runs the service's own image without tag or digest (the pre-first-build state). */
function hasUntaggedServiceImage(set: ObjectSet, ours: Set<string>): boolean {
  return podTemplates(set).some(template =>
    containersOf(template).some(ref => {
      const image = parseImage(asString(ref.container.image) ?? '');
      return ours.has(image.repository) && !image.tag && !image.digest;
    }),
  );
}

/**
 * Built environments that deploy the service image untagged, allowed because their
 * Application skips reconcile; the pipeline reports them as notices.
 */
export function unpinnedEnvironments(model: RepoModel): string[] {
  const skipping = skipReconcileEnvironments(model);
  const ours = firstPartyImages(model).repositories;
  return objectSets(model)
    .filter(set => set.environment !== undefined && skipping.has(set.environment) && hasUntaggedServiceImage(set, ours))
    .map(set => set.environment as string)
    .sort();
}

function checkSet(set: ObjectSet, skipping: Set<string>, ours: Set<string>): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const built = set.environment !== undefined;
  for (const template of podTemplates(set)) {
    for (const ref of containersOf(template)) {
      const field = `${ref.path}.image`;
      const raw = asString(ref.container.image);
      if (!raw) {
        out.push(problem('image-untagged', template.loaded, field, `container "${ref.name}" has no image`));
        continue;
      }
      const image = parseImage(raw);
      if (image.tag === 'latest') {
        out.push(problem('image-latest', template.loaded, field,
          `"${raw}" uses :latest, which moves under you: pin a tag (sha-<commit>, v<semver>) or a digest`));
        continue;
      }
      // The raw base leaves the tag to the overlays' `images:`; only built overlays must be pinned.
      if (!built || image.digest) continue;
      if (!image.tag) {
        if (ours.has(image.repository) && skipping.has(set.environment as string)) continue;
        out.push(problem('image-untagged', template.loaded, field,
          `"${raw}" has no tag, so it resolves to :latest and would deploy an image no build made: ` +
          `set the tag CI pushes (sha-<commit>) in the overlay's images:, or hold the environment's Argo CD Application ` +
          `back until CI's first build (spec.syncPolicy.automated.enabled: false)`));
        continue;
      }
      if (ours.has(image.repository) && !CI_TAG.test(image.tag) && !RELEASE_TAG.test(image.tag)) {
        out.push(problem('image-unpinned', template.loaded, field,
          `"${raw}" is the service's image but its tag "${image.tag}" is not one CI pushes (sha-<7..40 hex> or v<semver>): ` +
          'deploy a tag a build made, or a digest'));
      }
    }
  }
  return out;
}

export const checkImages: ModelCheck = model => {
  const skipping = skipReconcileEnvironments(model);
  const ours = firstPartyImages(model).repositories;
  return objectSets(model).flatMap(set => checkSet(set, skipping, ours));
};
