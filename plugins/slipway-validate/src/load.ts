import { promises as fs } from 'fs';
import { isKustomizationFile, kustomizationFileIn } from './kustomization-files';
import path from 'path';
import { RenderedFile } from '@slipway/render';
import { KubernetesObject, LoadedObject, RepoModel, ValidationProblem } from './types';
import { isYamlFile, parseYamlFile, PathSegment, YamlDocument } from '@slipway/render';
import { declaredPromotionOrder } from './promotionOrder';

/** One kustomize overlay: `deploy/overlays/<environment>/`. */
export interface Overlay {
  environment: string;
  /** Repo-relative folder, e.g. `deploy/overlays/staging`. */
  dir: string;
}

export interface LoadedRepo {
  model: RepoModel;
  overlays: Overlay[];
  /** YAML syntax problems, and documents under deploy/ that are not Kubernetes objects. */
  problems: ValidationProblem[];
}

const SKIPPED_DIRS = new Set(['.git', 'node_modules']);
/** Where an app repo keeps its manifests; a config repo keeps each part's under apps/<part> instead (layout.ts). */
export const DEFAULT_DEPLOY_DIR = 'deploy';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Binary files (images, archives) are not part of the model: later stages only read text. */
function decodeText(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8192).includes(0)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Largest file read into the model. A service repo's largest file is its package-lock.json
 * (about 150 KB); the repo may be anyone's (a pull request validated in CI), and every file
 * is read into memory and YAML files are parsed, so a bigger one is reported, not read.
 */
export const MAX_REPO_FILE_BYTES = 4 * 1024 * 1024;

export interface ReadRepoFilesOptions {
  /** Told about every file larger than MAX_REPO_FILE_BYTES (not read). */
  onTooLarge?: (file: string, bytes: number) => void;
}

/** Reads every text file of a repo on disk, by '/'-separated repo-relative path. */
export async function readRepoFiles(root: string, options: ReadRepoFilesOptions = {}): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  async function walk(relative: string): Promise<void> {
    const entries = await fs.readdir(path.join(root, relative), { withFileTypes: true });
    await Promise.all(
      entries.map(async entry => {
        const child = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!SKIPPED_DIRS.has(entry.name)) await walk(child);
        } else if (entry.isFile()) {
          const { size } = await fs.stat(path.join(root, child));
          if (size > MAX_REPO_FILE_BYTES) {
            options.onTooLarge?.(child, size);
            return;
          }
          const text = decodeText(await fs.readFile(path.join(root, child)));
          if (text !== undefined) files.set(child, text);
        }
      }),
    );
  }
  await walk('');
  return new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export function renderedFilesToMap(files: readonly RenderedFile[]): Map<string, string> {
  return new Map(files.map(file => [file.path, file.content]));
}

// ---------------------------------------------------------------------------------------------
// Where each parsed object came from, so the schema stage can name the line of a bad field.

// On the loaded object, not in a WeakMap (kube/memo.ts); non-enumerable, so a copy of it made for
// an edited object (`{ ...loaded, object }`) does not carry the old object's document.
const DOCUMENT = Symbol('slipway.document');

/** Line of `path` inside a raw object's YAML document; undefined for built objects. */
export function lineOfObjectPath(loaded: LoadedObject, objectPath: readonly PathSegment[]): number | undefined {
  return (loaded as LoadedObject & { [DOCUMENT]?: YamlDocument })[DOCUMENT]?.lineOf(objectPath);
}

// ---------------------------------------------------------------------------------------------
// Kustomizations: which files are whole objects (resources) and which are partial (patches).

interface Kustomization {
  dir: string;
  resources: string[];
  components: string[];
}

function isRemote(entry: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry) || entry.startsWith('git@');
}

function stringEntries(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}


function readKustomization(parsed: Map<string, YamlDocument[]>, file: string): Kustomization | undefined {
  const value = parsed.get(file)?.[0]?.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  return { dir: path.posix.dirname(file), resources: stringEntries(record.resources), components: stringEntries(record.components) };
}

/** Files listed as `resources`, following bases and components to their own kustomizations. */
function collectResourceFiles(files: Map<string, string>, parsed: Map<string, YamlDocument[]>, deployDir: string): Set<string> {
  const resourceFiles = new Set<string>();
  const visited = new Set<string>();
  const visit = (kustomizationFile: string) => {
    if (visited.has(kustomizationFile)) return;
    visited.add(kustomizationFile);
    const kustomization = readKustomization(parsed, kustomizationFile);
    if (!kustomization) return;
    for (const entry of [...kustomization.resources, ...kustomization.components]) {
      if (isRemote(entry)) continue;
      const target = path.posix.normalize(path.posix.join(kustomization.dir, entry));
      if (files.has(target)) resourceFiles.add(target);
      else {
        const nested = kustomizationFileIn(files, target);
        if (nested) visit(nested);
      }
    }
  };
  for (const file of files.keys()) {
    if (file.startsWith(`${deployDir}/`) && isKustomizationFile(file)) visit(file);
  }
  return resourceFiles;
}

/** Promotion order where the names are the usual ones, for a repo that declares none. */
const PROMOTION_ORDER = ['local', 'dev', 'development', 'test', 'qa', 'stage', 'staging', 'preprod', 'prod', 'production'];

/** Overlays in the order the repo declares (catalog-info.yaml's slipway.dev/environments), then by the usual names, then alphabetically. */
export function findOverlays(files: Map<string, string>, deployDir = DEFAULT_DEPLOY_DIR): Overlay[] {
  const environments = new Set<string>();
  const overlaysDir = `${deployDir}/overlays/`;
  for (const file of files.keys()) {
    const match = file.startsWith(overlaysDir) ? /^([^/]+)\/(kustomization\.ya?ml|Kustomization)$/.exec(file.slice(overlaysDir.length)) : null;
    if (match) environments.add(match[1]);
  }
  const declared = declaredPromotionOrder(files);
  const rank = (environment: string) => {
    const position = declared.indexOf(environment);
    if (position >= 0) return position;
    const usual = PROMOTION_ORDER.indexOf(environment);
    return declared.length + (usual === -1 ? PROMOTION_ORDER.length : usual);
  };
  return [...environments]
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map(environment => ({ environment, dir: `${overlaysDir}${environment}` }));
}

// ---------------------------------------------------------------------------------------------
// Objects

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why a document is not a Kubernetes object, or undefined when it is one. */
function notAnObjectReason(value: unknown): string | undefined {
  if (!isRecord(value)) return 'is not a mapping';
  const missing = ['apiVersion', 'kind'].filter(key => typeof value[key] !== 'string' || value[key] === '');
  if (!isRecord(value.metadata) || typeof value.metadata.name !== 'string' || value.metadata.name === '') missing.push('metadata.name');
  return missing.length ? `has no ${missing.join(', ')}` : undefined;
}

/** `kind: List` documents (as kubectl writes them) hold their objects in `items`. */
function expandLists(value: unknown): unknown[] {
  if (isRecord(value) && typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) return value.items;
  return [value];
}

/**
 * The Kubernetes objects of YAML text. Documents that are empty are skipped; documents that are
 * not objects become problems, since kubectl would reject them too.
 */
export function objectsFromYaml(
  file: string,
  documents: YamlDocument[],
  environment?: string,
): { objects: LoadedObject[]; problems: ValidationProblem[] } {
  const objects: LoadedObject[] = [];
  const problems: ValidationProblem[] = [];
  documents.forEach((document, index) => {
    if (document.value === null || document.value === undefined) return;
    for (const value of expandLists(document.value)) {
      const reason = notAnObjectReason(value);
      if (reason) {
        problems.push({
          check: 'schema',
          rule: 'not-a-kubernetes-object',
          file,
          environment,
          line: environment ? undefined : document.line,
          message: `document ${index + 1} ${reason}, so it is not a Kubernetes object`,
        });
        continue;
      }
      const object = value as KubernetesObject;
      const loaded: LoadedObject = { object, file, environment, line: environment ? undefined : document.line };
      if (!environment) Object.defineProperty(loaded, DOCUMENT, { value: document, enumerable: false });
      objects.push(loaded);
    }
  });
  return { objects, problems };
}

/**
 * Builds the repo model from its files: YAML syntax problems for every YAML file, and the raw
 * objects (files listed as kustomize resources under deploy/, plus everything in deploy/argocd/).
 * Patch files are left out on purpose: they are partial objects and would fail a schema.
 * Environments stay empty here; the pipeline fills them from overlay builds.
 */
export function loadRepoModel(files: Map<string, string>, deployDir = DEFAULT_DEPLOY_DIR): LoadedRepo {
  const problems: ValidationProblem[] = [];
  const parsed = new Map<string, YamlDocument[]>();
  for (const [file, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (!isYamlFile(file) && path.posix.basename(file) !== 'Kustomization') continue;
    const result = parseYamlFile(file, content);
    parsed.set(file, result.documents);
    problems.push(...result.problems);
  }

  const objectFiles = collectResourceFiles(files, parsed, deployDir);
  for (const file of parsed.keys()) {
    const isKustomization = isKustomizationFile(file);
    if (file.startsWith(`${deployDir}/argocd/`) && !isKustomization) objectFiles.add(file);
  }

  const rawObjects: LoadedObject[] = [];
  for (const file of [...objectFiles].sort()) {
    const documents = parsed.get(file);
    if (!documents) continue; // not YAML (e.g. a JSON resource): kustomize still checks it when building
    const result = objectsFromYaml(file, documents);
    rawObjects.push(...result.objects);
    problems.push(...result.problems);
  }

  const model: RepoModel = { files, environments: new Map(), rawObjects, ...(deployDir === DEFAULT_DEPLOY_DIR ? {} : { deployDir }) };
  return { model, overlays: findOverlays(files, deployDir), problems };
}
