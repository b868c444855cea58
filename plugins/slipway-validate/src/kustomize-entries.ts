/**
 * Every entry of a kustomization (or of a generator/transformer config) that makes kustomize
 * read a file, a folder or a URL. Pure: text in, entries out; the offline check resolves them.
 *
 * The field list follows kustomize's own source (kubernetes-sigs/kustomize, api/types/kustomization.go
 * and api/internal/target/kusttarget.go):
 *
 * - "Resources specifies relative paths to files holding YAML representations of kubernetes API
 *   objects, or specifications of other kustomizations via relative paths, absolute paths, or URLs."
 *   `bases` is folded into `resources` ("'bases' field was deprecated in favor of the 'resources' field").
 * - "Components specifies relative paths to specifications of other Components via relative paths,
 *   absolute paths, or URLs."
 * - crds, configurations, patches[].path, patchesJson6902[].path, patchesStrategicMerge,
 *   replacements[].path, openapi.path and the generators' files/envs/env are read with
 *   `Loader.Load`, which starts with `if IsRemoteFile(path) { return fl.httpClientGetContent(path) }`
 *   (api/internal/loader/fileloader.go): an http(s) entry in any of them is downloaded.
 * - generators, transformers and validators: an entry that parses as YAML objects is an inline
 *   config, anything else is "not an inline config" and is accumulated like a resource; the
 *   configs themselves name files again (PatchTransformer `path`, ReplacementTransformer
 *   `replacements[].path`, ConfigMapGenerator `files`, ...).
 * - helmCharts / helmChartInflationGenerator pull charts from a chart repository.
 *
 * Keys are matched the way kustomize matches them: it converts the YAML to JSON and decodes it with
 * encoding/json, which ignores case ("Resources:" works), and YAML merge keys and aliases apply.
 * Every duplicate or case variant of a key is collected, so nothing kustomize might read is missed.
 */
import { Document, isAlias, isMap, isScalar, isSeq, Node, parseAllDocuments, YAMLMap } from 'yaml';

/** What kustomize does with an entry, which decides how it is checked. */
export type SourceKind =
  /** A file of objects, or a folder holding a kustomization (resources, bases). */
  | 'resource'
  /** A folder holding a Component kustomization. */
  | 'component'
  /** A file kustomize reads: patches, generator inputs, CRDs, configurations, the OpenAPI schema. */
  | 'file'
  /** A generator, transformer or validator config file, whose own path fields are checked too. */
  | 'plugin-config';

export interface SourceEntry {
  /** Where the entry sits, e.g. `resources[0]` or `configMapGenerator[1].files[0]`. */
  field: string;
  /** The path or URL as written (for `files`, the path after `key=`). */
  entry: string;
  kind: SourceKind;
}

/** A field that makes kustomize download something whatever its entries say (Helm charts). */
export interface DownloadingField {
  field: string;
  what: string;
}

export interface ExtractedSources {
  entries: SourceEntry[];
  downloading: DownloadingField[];
  /** Why the text could not be read completely; then it must not be built. */
  unreadable: string[];
}

const YAML_OPTIONS = {
  // kustomize reads YAML with go-yaml v2: YAML 1.1, merge keys on. Duplicates are collected, not refused.
  version: '1.1',
  uniqueKeys: false,
  prettyErrors: false,
} as const;

/** Alias and merge chains deeper than this are refused rather than followed. */
const MAX_INDIRECTION = 16;

/** encoding/json's case-insensitive match also folds 'ſ' to 's' and the Kelvin sign to 'k'. */
function foldKey(key: string): string {
  return key.toUpperCase().toLowerCase();
}

class Reader {
  readonly unreadable: string[] = [];
  constructor(private readonly doc: Document.Parsed) {}

  resolve(node: unknown, depth = 0): unknown {
    if (!isAlias(node)) return node;
    if (depth > MAX_INDIRECTION) {
      this.unreadable.push('aliases nest too deeply to follow');
      return undefined;
    }
    const target = node.resolve(this.doc);
    if (target === undefined) {
      this.unreadable.push(`the alias *${node.source} has no anchor`);
      return undefined;
    }
    return this.resolve(target, depth + 1);
  }

  /** Every (key, value) pair of a mapping, with `<<` merges expanded. */
  pairs(node: unknown, depth = 0): Array<{ keys: string[]; value: unknown }> {
    const map = this.resolve(node);
    if (!isMap(map)) return [];
    const out: Array<{ keys: string[]; value: unknown }> = [];
    for (const pair of (map as YAMLMap<unknown, unknown>).items) {
      const key = pair.key;
      const isMerge = isScalar(key) && (typeof key.value === 'symbol' || key.source === '<<' || key.value === '<<');
      if (isMerge) {
        if (depth > MAX_INDIRECTION) {
          this.unreadable.push('merge keys nest too deeply to follow');
          continue;
        }
        const merged = this.resolve(pair.value);
        const sources = isSeq(merged) ? merged.items : [merged];
        for (const source of sources) out.push(...this.pairs(source, depth + 1));
        continue;
      }
      const keys = isScalar(key) ? [String(key.value), key.source ?? ''].filter(Boolean).map(foldKey) : [];
      out.push({ keys, value: pair.value });
    }
    return out;
  }

  /** Every value kustomize might read as `name` (all duplicates and case variants). */
  fields(node: unknown, name: string): unknown[] {
    const folded = foldKey(name);
    return this.pairs(node)
      .filter(pair => pair.keys.includes(folded))
      .map(pair => this.resolve(pair.value));
  }

  /** Items of a list; a lone value is taken as a one-item list, so it is checked too. */
  items(node: unknown): unknown[] {
    const resolved = this.resolve(node);
    if (resolved === null || resolved === undefined) return [];
    if (isSeq(resolved)) return resolved.items.map(item => this.resolve(item));
    return [resolved];
  }

  /** The text of a scalar as kustomize would see it: non-strings by their source (`0o17`, `yes`). */
  text(node: unknown): string | undefined {
    const resolved = this.resolve(node);
    if (!isScalar(resolved)) return undefined;
    if (typeof resolved.value === 'string') return resolved.value;
    if (resolved.value === null) return undefined;
    return resolved.source ?? String(resolved.value);
  }

  isPresent(node: unknown): boolean {
    const resolved = this.resolve(node);
    if (resolved === null || resolved === undefined) return false;
    if (isScalar(resolved)) return resolved.value !== null && resolved.value !== '';
    if (isSeq(resolved) || isMap(resolved)) return resolved.items.length > 0;
    return true;
  }
}

/** kustomize's ParseFileSource: `path`, or `key=path`; other shapes are rejected before any read. */
function fileSourcePath(source: string): string | undefined {
  const separators = source.split('=').length - 1;
  if (separators === 0) return source;
  if (separators === 1 && !source.startsWith('=') && !source.endsWith('=')) return source.split('=')[1];
  return undefined;
}

/**
 * An entry taken as inline YAML rather than a path: several lines, or one line of flow YAML
 * (`{...}`), that parse as objects. Anything else is checked as a path, even where kustomize
 * would try it as inline YAML first (a one-line `kind: X`): a false refusal is safer than a
 * missed path.
 */
export function isInlineYaml(entry: string): boolean {
  if (!entry.includes('\n') && !/^\s*[{[]/.test(entry)) return false;
  try {
    return parseAllDocuments(entry, YAML_OPTIONS).some(doc => isMap(doc.contents) || isSeq(doc.contents));
  } catch {
    return false;
  }
}

function parseDocuments(text: string): { docs: Document.Parsed[]; unreadable: string[] } {
  const parsed = parseAllDocuments(text, YAML_OPTIONS);
  const docs = Array.isArray(parsed) ? parsed : [];
  const unreadable = docs.flatMap(doc => doc.errors.map(error => `not valid YAML: ${error.message.split('\n')[0]}`));
  return { docs, unreadable };
}

class Collector {
  readonly entries: SourceEntry[] = [];
  readonly downloading: DownloadingField[] = [];
  readonly unreadable: string[] = [];

  constructor(readonly read: Reader) {}

  add(field: string, node: unknown, kind: SourceKind): void {
    const entry = this.read.text(node);
    if (entry !== undefined && entry !== '') this.entries.push({ field, entry, kind });
  }

  list(parent: unknown, name: string, kind: SourceKind, field = name): void {
    for (const value of this.read.fields(parent, name)) {
      this.read.items(value).forEach((item, index) => this.add(`${field}[${index}]`, item, kind));
    }
  }

  /** A list of maps, each with a path field: `patches[].path`, `replacements[].path`. */
  pathsOfItems(parent: unknown, name: string, pathField: string, field = name): void {
    for (const value of this.read.fields(parent, name)) {
      this.read.items(value).forEach((item, index) => {
        for (const entry of this.read.fields(item, pathField)) this.add(`${field}[${index}].${pathField}`, entry, 'file');
      });
    }
  }

  /** Strategic-merge patch lists mix paths and inline patches; only the paths name files. */
  pathsOrInlinePatches(parent: unknown, name: string, field = name): void {
    for (const value of this.read.fields(parent, name)) {
      this.read.items(value).forEach((item, index) => {
        const entry = this.read.text(item);
        if (entry !== undefined && !isInlineYaml(entry)) this.add(`${field}[${index}]`, item, 'file');
      });
    }
  }

  /** configMapGenerator / secretGenerator arguments (KvPairSources): files, envs and env. */
  generatorArgs(item: unknown, field: string): void {
    for (const value of this.read.fields(item, 'files')) {
      this.read.items(value).forEach((source, index) => {
        const text = this.read.text(source);
        if (text === undefined) return;
        // A remote-looking `key=URL` must be seen even when the key makes kustomize reject the entry.
        const target = fileSourcePath(text) ?? text.slice(text.indexOf('=') + 1);
        if (target) this.entries.push({ field: `${field}.files[${index}]`, entry: target, kind: 'file' });
      });
    }
    this.list(item, 'envs', 'file', `${field}.envs`);
    for (const value of this.read.fields(item, 'env')) this.add(`${field}.env`, value, 'file');
  }

  generators(parent: unknown, name: string): void {
    for (const value of this.read.fields(parent, name)) {
      this.read.items(value).forEach((item, index) => this.generatorArgs(item, `${name}[${index}]`));
    }
  }

  /** generators, transformers, validators: inline configs are read here, paths are checked later. */
  plugins(parent: unknown, name: string): void {
    for (const value of this.read.fields(parent, name)) {
      this.read.items(value).forEach((item, index) => {
        const field = `${name}[${index}]`;
        const entry = this.read.text(item);
        if (entry === undefined) return;
        if (!isInlineYaml(entry)) return this.add(field, item, 'plugin-config');
        this.merge(pluginConfigSources(entry, `${field} (inline)`));
      });
    }
  }

  downloads(parent: unknown, name: string, what: string): void {
    for (const value of this.read.fields(parent, name)) {
      if (this.read.isPresent(value)) this.downloading.push({ field: name, what });
    }
  }

  merge(other: ExtractedSources): void {
    this.entries.push(...other.entries);
    this.downloading.push(...other.downloading);
    this.unreadable.push(...other.unreadable);
  }

  result(): ExtractedSources {
    return { entries: this.entries, downloading: this.downloading, unreadable: [...this.unreadable, ...this.read.unreadable] };
  }
}

function extract(text: string, each: (collect: Collector, root: unknown) => void): ExtractedSources {
  const { docs, unreadable } = parseDocuments(text);
  const result: ExtractedSources = { entries: [], downloading: [], unreadable };
  if (unreadable.length) return result;
  for (const doc of docs) {
    const collect = new Collector(new Reader(doc));
    try {
      each(collect, doc.contents);
    } catch (error) {
      collect.unreadable.push(`cannot be read: ${(error as Error).message}`);
    }
    const one = collect.result();
    result.entries.push(...one.entries);
    result.downloading.push(...one.downloading);
    result.unreadable.push(...one.unreadable);
  }
  return result;
}

const HELM = 'a Helm chart, which kustomize downloads from its chart repository';

/** Every source a kustomization file names (see the module comment for the field list). */
export function kustomizationSources(text: string): ExtractedSources {
  return extract(text, (collect, root) => {
    collect.list(root, 'resources', 'resource');
    collect.list(root, 'bases', 'resource');
    collect.list(root, 'components', 'component');
    collect.list(root, 'crds', 'file');
    collect.list(root, 'configurations', 'file');
    collect.pathsOfItems(root, 'patches', 'path');
    collect.pathsOfItems(root, 'patchesJson6902', 'path');
    collect.pathsOfItems(root, 'replacements', 'path');
    collect.pathsOrInlinePatches(root, 'patchesStrategicMerge');
    collect.generators(root, 'configMapGenerator');
    collect.generators(root, 'secretGenerator');
    for (const openapi of collect.read.fields(root, 'openapi')) {
      for (const entry of collect.read.fields(openapi, 'path')) collect.add('openapi.path', entry, 'file');
    }
    collect.plugins(root, 'generators');
    collect.plugins(root, 'transformers');
    collect.plugins(root, 'validators');
    collect.downloads(root, 'helmCharts', HELM);
    collect.downloads(root, 'helmChartInflationGenerator', HELM);
  });
}

/**
 * Files a generator/transformer/validator config names. Its paths are relative to the kustomization
 * that lists it (kustomize configures plugins with that kustomization's loader).
 */
export function pluginConfigSources(text: string, field: string): ExtractedSources {
  return extract(text, (collect, root) => {
    const kinds = collect.read.fields(root, 'kind').map(kind => foldKey(collect.read.text(kind) ?? ''));
    if (kinds.includes('helmchartinflationgenerator')) collect.downloading.push({ field: `${field} kind HelmChartInflationGenerator`, what: HELM });
    // PatchTransformer, PatchJson6902Transformer: path; ValueAddTransformer: targetFilePath.
    for (const entry of collect.read.fields(root, 'path')) collect.add(`${field}.path`, entry, 'file');
    for (const entry of collect.read.fields(root, 'targetFilePath')) collect.add(`${field}.targetFilePath`, entry, 'file');
    // PatchStrategicMergeTransformer: paths (or inline patches).
    collect.pathsOrInlinePatches(root, 'paths', `${field}.paths`);
    // ReplacementTransformer: replacements[].path.
    collect.pathsOfItems(root, 'replacements', 'path', `${field}.replacements`);
    // ConfigMapGenerator, SecretGenerator: files, envs, env.
    collect.generatorArgs(root, field);
  });
}
