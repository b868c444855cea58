import type { GoldenPath, GoldenPathRegistry } from '@slipway/common';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { asRecord, asString, asStringMap, getPath, parseYamlDocuments } from './kube';
import type { RepoModel } from './types';

/** The catalog annotation a generated repo records its golden path in: `<golden path id>@<skeleton version>`. */
export const SKELETON_ANNOTATION = 'slipway.dev/skeleton';
const KUBERNETES_ID = 'backstage.io/kubernetes-id';
const CATALOG_FILES = ['catalog-info.yaml', 'catalog-info.yml'];

let builtIn: GoldenPathRegistry | undefined;
/** The registry a model is checked against: its own, or the built-in golden paths. */
export function goldenPathsOf(model: RepoModel): GoldenPathRegistry {
  return model.goldenPaths ?? (builtIn ??= createGoldenPathRegistry());
}

/** A Component of catalog-info.yaml that names a golden path. */
export interface GoldenPathComponent {
  file: string;
  /** `metadata.name`. */
  name: string;
  kubernetesId: string | undefined;
  /** The id the annotation names (before `@`). */
  goldenPathId: string;
  /** Undefined when no registered golden path has that id. */
  goldenPath: GoldenPath | undefined;
}

/** Every Component whose `slipway.dev/skeleton` annotation names a golden path, in file order. */
export function goldenPathComponents(model: RepoModel): GoldenPathComponent[] {
  const file = CATALOG_FILES.find(path => model.files.has(path));
  if (!file) return [];
  const registry = goldenPathsOf(model);
  const out: GoldenPathComponent[] = [];
  for (const document of parseYamlDocuments(model.files.get(file) ?? '', file)) {
    const entity = asRecord(document.value);
    if (entity?.kind !== 'Component') continue;
    const annotations = asStringMap(getPath(entity, 'metadata', 'annotations'));
    const skeleton = annotations[SKELETON_ANNOTATION];
    if (!skeleton) continue;
    const goldenPathId = skeleton.split('@')[0].trim();
    out.push({
      file,
      name: asString(getPath(entity, 'metadata', 'name')) ?? '(unnamed)',
      kubernetesId: annotations[KUBERNETES_ID],
      goldenPathId,
      goldenPath: registry.get(goldenPathId),
    });
  }
  return out;
}
