import path from 'path';
import { parseAllDocuments } from 'yaml';
import { kustomizeBuild, requireShippedKustomize } from '@slipway/validate';

/**
 * The objects `kustomize build <dir>/<folder>` makes with the shipped kubectl: for an overlay
 * (`deploy/overlays/<environment>`), what Argo CD deploys. Empty documents are left out.
 */
export async function kustomizeObjects<T = Record<string, unknown>>(dir: string, folder: string): Promise<T[]> {
  const built = await kustomizeBuild(await requireShippedKustomize(), path.join(dir, folder));
  if (!built.ok) throw new Error(`kustomize build ${folder}: ${built.error}`);
  return parseAllDocuments(built.yaml)
    .map(document => document.toJS() as T)
    .filter(object => object !== null && typeof object === 'object');
}

/** The objects an environment's overlay deploys. */
export const overlayObjects = <T = Record<string, unknown>>(dir: string, environment: string): Promise<T[]> =>
  kustomizeObjects<T>(dir, path.join('deploy/overlays', environment));
