import { CONFIG_REPO_LAYOUT, LAYOUT_ANNOTATION } from '@slipway/render';
import { asRecord, asStringMap, getPath, parseYamlDocuments } from './kube';

/*
 * The two repo layouts a system may have (issue 10): every part's repo with its own deploy/, or
 * the parts' repos with their code and CI and one config repo holding each part's manifests under
 * apps/<part> (plugins/slipway-render/src/configRepo.ts). Each repo says which it is in its
 * catalog-info.yaml, so the validator needs no flag:
 * - an app repo whose manifests are elsewhere: its Component's slipway.dev/manifests-location,
 *   `url:<config repo>/tree/<branch>/apps/<part>` (the form of backstage.io/source-location);
 * - the config repo: an entity with slipway.dev/layout: config-repo.
 * A config repo's apps/<part> is checked like deploy/ of the part's repo, together with that
 * repo's files (catalog-info.yaml, CI, code) when it is at hand: the rules that read both
 * (kubernetes-id labels, Argo CD selectors, CI's pins, the metrics contract) see one repo again.
 */

export const MANIFESTS_LOCATION_ANNOTATION = 'slipway.dev/manifests-location';

const CATALOG_FILES = ['catalog-info.yaml', 'catalog-info.yml'];

/** Every entity's annotations in the repo's catalog-info.yaml, with its kind. */
function catalogEntities(files: ReadonlyMap<string, string>): Array<{ kind: string; annotations: Record<string, string> }> {
  const file = CATALOG_FILES.find(path => files.has(path));
  if (!file) return [];
  return parseYamlDocuments(files.get(file) ?? '', file)
    .map(document => asRecord(document.value))
    .filter((entity): entity is Record<string, unknown> => entity !== undefined)
    .map(entity => ({ kind: String(entity.kind ?? ''), annotations: asStringMap(getPath(entity, 'metadata', 'annotations')) }));
}

/** Whether the repo is a system's config repo (its catalog-info.yaml says so). */
export function isConfigRepo(files: ReadonlyMap<string, string>): boolean {
  return catalogEntities(files).some(entity => entity.annotations[LAYOUT_ANNOTATION] === CONFIG_REPO_LAYOUT);
}

/** Where an app repo's manifests are when they are not in its deploy/: its Component's manifests location. */
export function manifestsLocation(files: ReadonlyMap<string, string>): string | undefined {
  return catalogEntities(files).find(entity => entity.kind === 'Component' && entity.annotations[MANIFESTS_LOCATION_ANNOTATION])?.annotations[
    MANIFESTS_LOCATION_ANNOTATION
  ];
}

/** The apps/<part> folders of a config repo that hold a deploy tree (an overlay or the Argo CD Applications). */
export function configRepoApps(files: ReadonlyMap<string, string>): string[] {
  const apps = new Set<string>();
  for (const file of files.keys()) {
    const match = /^(apps\/[^/]+)\/(?:overlays\/[^/]+|argocd)\/(?:kustomization\.ya?ml|Kustomization)$/.exec(file);
    if (match) apps.add(match[1]);
  }
  return [...apps].sort();
}

/** Whether an app repo's manifests location is the folder `app` (apps/<part>) of a config repo. */
export function locatesApp(location: string, app: string): boolean {
  return location.replace(/\/+$/, '').endsWith(`/${app}`);
}

/**
 * The repo one config-repo app is validated as: the config repo's `app` folder at its own path
 * (so its Applications' source paths resolve) and, when given, the app repo's files beside it.
 * The config repo's own catalog-info.yaml, README and .gitignore describe the whole repo, not the part.
 */
export function appView(configFiles: ReadonlyMap<string, string>, app: string, appFiles?: ReadonlyMap<string, string>): Map<string, string> {
  const view = new Map<string, string>();
  for (const [file, content] of appFiles ?? []) if (!file.startsWith('deploy/')) view.set(file, content);
  for (const [file, content] of configFiles) if (file.startsWith(`${app}/`)) view.set(file, content);
  return new Map([...view.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * What a config-repo app checked without its app repo cannot judge: the catalog and CI rules
 * (catalog-info.yaml, the workflow), and the rules that read the app repo's declarations, its
 * metrics contract (promql-unknown-series) and its CI's image pins (image-untagged: an image CI
 * pins is first-party and held back until then).
 */
export function needsAppRepo(problem: { check: string; rule: string }): boolean {
  return problem.check === 'catalog' || problem.check === 'ci' || problem.rule === 'promql-unknown-series' || problem.rule === 'image-untagged';
}
