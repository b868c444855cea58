import type { GoldenPath, GoldenPathRegistry } from '@slipway/common';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { catalogComponentEntities, KUBERNETES_ID } from './policy/catalog';
import type { RepoModel } from './types';

/** The catalog annotation a generated repo records its golden path in: `<golden path id>@<skeleton version>`. */
export const SKELETON_ANNOTATION = 'slipway.dev/skeleton';

let builtIn: GoldenPathRegistry | undefined;
/** The registry a model is checked against: its own, or the built-in golden paths. */
export function goldenPathsOf(model: RepoModel): GoldenPathRegistry {
  return model.goldenPaths ?? (builtIn ??= createGoldenPathRegistry());
}

/** A Component of catalog-info.yaml that names a golden path. */
export interface GoldenPathComponent {
  file: string;
  /** `metadata.name` (`#<n>` when it has none). */
  name: string;
  kubernetesId: string | undefined;
  /** The id the annotation names (before `@`). */
  goldenPathId: string;
  /** Undefined when no registered golden path has that id. */
  goldenPath: GoldenPath | undefined;
}

/** Every Component whose `slipway.dev/skeleton` annotation names a golden path, in file order. */
export function goldenPathComponents(model: RepoModel): GoldenPathComponent[] {
  const catalog = catalogComponentEntities(model);
  if (!catalog) return [];
  const registry = goldenPathsOf(model);
  const out: GoldenPathComponent[] = [];
  for (const { name, annotations } of catalog.components) {
    const skeleton = annotations[SKELETON_ANNOTATION];
    if (!skeleton) continue;
    const goldenPathId = skeleton.split('@')[0].trim();
    out.push({ file: catalog.file, name, kubernetesId: annotations[KUBERNETES_ID], goldenPathId, goldenPath: registry.get(goldenPathId) });
  }
  return out;
}
