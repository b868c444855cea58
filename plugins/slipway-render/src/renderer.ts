import { promises as fs } from 'fs';
import path from 'path';
import { GoldenPath, ResolvedGoldenPathSpec, ServiceSpec } from '@slipway/common';
import { builtInPartialLayers, isGoldenPathPart, nodeServiceGoldenPath, skeletonDir as packagedSkeletonDir } from '@slipway/skeletons';
import { compileSkeletonFile, CompiledSkeletonFile, createSkeletonHandlebars, registerSkeletonPartial } from './handlebars';
import type { RenderedFile } from './files';
export type { RenderedFile } from './files';
import { LOCKFILE_PATH, reconcileLockfile } from './lockfile';
import { parseYamlFileFresh, type ParsedYamlFile } from './yaml/yaml-documents';


export interface RenderOptions {
  /** Skeleton name under the skeletons folder. Default: node-service. */
  skeleton?: string;
  /** Folder holding the skeletons. Default: the packaged `@slipway/skeletons`. */
  skeletonsDir?: string;
}

interface SkeletonEntry {
  /** Output path: the source path without its `.hbs` suffix (with `[environment]` still in it). */
  path: string;
  /** True when the path holds `[environment]`: the file is rendered once per environment. */
  perEnvironment: boolean;
  executable: boolean;
  render: CompiledSkeletonFile | undefined;
  /** Verbatim content for files that are not templates. */
  content: string | undefined;
}

/** Partials: `_partials/<name>.hbs` is usable as `{{> name}}` and is not output itself. */
const PARTIALS_DIR = '_partials/';
/**
 * A path holding this placeholder (`deploy/overlays/[environment]/hpa.yaml.hbs`,
 * `deploy/argocd/[environment].yaml.hbs`) is rendered once per environment, in promotion
 * order, with `environment` added to the context and the placeholder replaced by its name.
 */
export const ENVIRONMENT_PLACEHOLDER = '[environment]';

const compiledSkeletons = new Map<string, Promise<SkeletonEntry[]>>();

async function listFiles(root: string, relative = ''): Promise<string[]> {
  const entries = await fs.readdir(path.join(root, relative), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(root, child)));
    else if (entry.isFile()) files.push(child);
    else throw new Error(`skeleton entry ${child} is neither a file nor a folder (links are not allowed)`);
  }
  return files;
}

/** Registers each `<layer dir>/<file>.hbs` as the partial `<prefix>/<file>`; a layer's README.md is for its readers. */
export async function registerPartialLayers(hb: ReturnType<typeof createSkeletonHandlebars>, layers: Readonly<Record<string, string>>): Promise<void> {
  for (const [prefix, layerDir] of Object.entries(layers)) {
    let files: string[];
    try {
      files = await listFiles(layerDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`partial layer ${prefix}: folder ${layerDir} does not exist`);
      throw error;
    }
    for (const file of files.filter(name => name.endsWith('.hbs'))) {
      registerSkeletonPartial(hb, `${prefix}/${file.slice(0, -'.hbs'.length)}`, await fs.readFile(path.join(layerDir, file), 'utf8'));
    }
  }
}

async function loadSkeleton(dir: string, partialLayers: Readonly<Record<string, string>>): Promise<SkeletonEntry[]> {
  const hb = createSkeletonHandlebars();
  await registerPartialLayers(hb, partialLayers);
  const allFiles = await listFiles(dir);
  for (const partial of allFiles.filter(file => file.startsWith(PARTIALS_DIR) && file.endsWith('.hbs'))) {
    const name = partial.slice(PARTIALS_DIR.length, -'.hbs'.length);
    registerSkeletonPartial(hb, name, await fs.readFile(path.join(dir, partial), 'utf8'));
  }
  const files = allFiles.filter(file => !isGoldenPathPart(file)).sort();
  return Promise.all(
    files.map(async file => {
      const full = path.join(dir, file);
      const [source, stat] = await Promise.all([fs.readFile(full, 'utf8'), fs.stat(full)]);
      const executable = (stat.mode & 0o111) !== 0;
      if (file.endsWith('.hbs')) {
        const outPath = file.slice(0, -'.hbs'.length);
        const render = compileSkeletonFile(hb, source, file);
        return { path: outPath, perEnvironment: outPath.includes(ENVIRONMENT_PLACEHOLDER), executable, render, content: undefined };
      }
      return { path: file, perEnvironment: file.includes(ENVIRONMENT_PLACEHOLDER), executable, render: undefined, content: source };
    }),
  );
}

export function resolveSkeletonDir(options: RenderOptions = {}): string {
  const skeleton = options.skeleton ?? 'node-service';
  if (!/^[a-z0-9][-a-z0-9]*$/.test(skeleton)) {
    throw new Error(`skeleton: must be a skeleton folder name such as node-service, got ${JSON.stringify(skeleton)}`);
  }
  return options.skeletonsDir ? path.resolve(options.skeletonsDir, skeleton) : packagedSkeletonDir(skeleton);
}

/** A golden path's files: its folder and the shared partial layers it renders with. */
export interface SkeletonSource {
  dir: string;
  partialLayers?: Readonly<Record<string, string>>;
}

/**
 * Loads and compiles a skeleton once per process; later renders reuse the compiled templates.
 * With `RenderOptions` (a skeleton folder by name) the built-in partial layers of that skeletons folder apply.
 */
export function loadCompiledSkeleton(options: RenderOptions | SkeletonSource = {}): Promise<SkeletonEntry[]> {
  const source: SkeletonSource = 'dir' in options ? options : { dir: resolveSkeletonDir(options), partialLayers: builtInPartialLayers(options.skeletonsDir) };
  const layers = source.partialLayers ?? {};
  const key = JSON.stringify([source.dir, Object.entries(layers).sort()]);
  let loaded = compiledSkeletons.get(key);
  if (!loaded) {
    loaded = loadSkeleton(source.dir, layers);
    compiledSkeletons.set(key, loaded);
    loaded.catch(() => compiledSkeletons.delete(key));
  }
  return loaded;
}

/** Drops compiled skeletons, e.g. after a platform engineer edits one in a long-running backend. */
export function clearSkeletonCache(): void {
  compiledSkeletons.clear();
}

/**
 * Each rendered YAML file's parse, on the file itself (and gone with it) for the validation that
 * follows. A property, not a WeakMap: V8's young-generation collector keeps a WeakMap's values alive
 * until a full collection, so every render's parses were copied and promoted (measured: 3 MB per
 * collection, a third of the collector's time).
 */
const RENDERED_PARSE = Symbol('slipway.renderedParse');

type RenderedFileWithParse = RenderedFile & { [RENDERED_PARSE]?: ParsedYamlFile };

/** The parse the renderer made of a file it rendered (validateRenderedFiles reads it instead of parsing again). */
export function renderedFileParse(file: RenderedFile): ParsedYamlFile | undefined {
  return (file as RenderedFileWithParse)[RENDERED_PARSE];
}

/** Structured files are parsed before anything is written, so a skeleton edit that breaks YAML or JSON fails here. */
function checkSyntax(file: RenderedFile): void {
  if (/\.ya?ml$/.test(file.path)) {
    const parsed = parseYamlFileFresh(file.path, file.content);
    const [problem] = parsed.problems;
    if (problem) throw new Error(`rendered ${file.path} is not valid YAML: line ${problem.line}: ${problem.message}`);
    // Non-enumerable: spreads, JSON and equality in tests see the file as it was.
    Object.defineProperty(file, RENDERED_PARSE, { value: parsed, enumerable: false });
  } else if (file.path.endsWith('.json')) {
    try {
      JSON.parse(file.content);
    } catch (error) {
      throw new Error(`rendered ${file.path} is not valid JSON: ${(error as Error).message}`);
    }
  }
}

/**
 * What a golden path's skeleton files see: its own context, plus `goldenPath.id` and
 * `goldenPath.title`, which catalog-info.yaml records (`slipway.dev/skeleton`) so the validator
 * and template upgrades know which golden path made the repo, whichever id it is registered under.
 */
export function goldenPathContext<TSpec extends ResolvedGoldenPathSpec>(goldenPath: GoldenPath<TSpec>, spec: TSpec): Record<string, unknown> {
  return { ...goldenPath.context(spec), goldenPath: { id: goldenPath.id, title: goldenPath.title } };
}

/**
 * The `environment` of a file that is not rendered per environment: one getter for every render. A
 * getter made per render gave each render's context a map of its own, which V8's inline caches
 * hold (with the getter's scope: the render's files) until a full collection.
 */
const ENVIRONMENT_OUTSIDE_ITS_FILES: PropertyDescriptor = {
  get(): never {
    throw new Error(`environment is only set in a file whose path holds ${ENVIRONMENT_PLACEHOLDER}; elsewhere use spec.environments, firstEnvironment or productionEnvironment`);
  },
};

/**
 * Renders a golden path's skeleton for a resolved spec, entirely in memory.
 *
 * `.hbs` files are Handlebars templates; a template that renders to whitespace only
 * is left out (that is how a skeleton makes a file conditional); other files are
 * copied verbatim. A path with `[environment]` is rendered once per environment (its
 * template compiled once, like every other). Nothing touches the disk, so invalid input or a broken skeleton
 * can never leave a half-written repo.
 */
export async function renderGoldenPath<TSpec extends ResolvedGoldenPathSpec>(
  goldenPath: GoldenPath<TSpec>,
  spec: TSpec,
): Promise<RenderedFile[]> {
  // A definition that names no layers (an adopter's, one made from a folder alone) gets Slipway's; `{}` means none.
  const entries = await loadCompiledSkeleton({ dir: goldenPath.dir, partialLayers: goldenPath.partialLayers ?? builtInPartialLayers() });
  const context = goldenPathContext(goldenPath, spec);
  const files: RenderedFile[] = [];
  // A base file that reads `environment` gets this message, not Handlebars' "not defined in undefined".
  const baseContext = Object.defineProperty({ ...context }, 'environment', ENVIRONMENT_OUTSIDE_ITS_FILES);
  const emit = (entry: SkeletonEntry, outPath: string, fileContext: object) => {
    const content = entry.render ? entry.render(fileContext) : entry.content!;
    // Same as `content.trim() === ''` (\s is exactly what trim removes) without copying the file.
    if (entry.render && !/\S/.test(content)) return;
    files.push({ path: outPath, content, executable: entry.executable });
  };
  // One context per environment, shared by its files (templates only read their context).
  const environmentContexts = spec.environments.map(environment => ({ environment, context: { ...context, environment } }));
  for (const entry of entries) {
    if (!entry.perEnvironment) {
      emit(entry, entry.path, baseContext);
      continue;
    }
    for (const { environment, context: environmentContext } of environmentContexts) {
      emit(entry, entry.path.split(ENVIRONMENT_PLACEHOLDER).join(environment.name), environmentContext);
    }
  }
  const reconciled = reconcileLockfile(files);
  for (const file of reconciled) {
    // reconcileLockfile has parsed the skeleton's lock and written this one with JSON.stringify.
    if (file.path === LOCKFILE_PATH) continue;
    checkSyntax(file);
  }
  return reconciled;
}

/**
 * Renders the node-service golden path (or, with `skeleton`, another skeleton folder read with
 * node-service's context, as the skeleton-typos tests do with an edited copy).
 */
export async function renderService(spec: ServiceSpec, options: RenderOptions = {}): Promise<RenderedFile[]> {
  return renderGoldenPath({ ...nodeServiceGoldenPath(resolveSkeletonDir(options)), partialLayers: builtInPartialLayers(options.skeletonsDir) }, spec);
}
