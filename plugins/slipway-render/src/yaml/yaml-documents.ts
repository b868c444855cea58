import { Document, isMap, isPair, isScalar, isSeq, LineCounter, Node, parseAllDocuments } from 'yaml';
import { describeDuplicateKey, duplicateKeys } from './duplicateKeys';
import { lineAt, lineStarts, parseYamlFast } from './yaml-fast';
import { parseYamlPlain } from './yaml-plain';

export type PathSegment = string | number;

/** A file that is not valid YAML, in the validator's problem shape (the validator reports these as they are). */
export interface YamlSyntaxProblem {
  check: 'yaml';
  rule: 'yaml-syntax';
  file: string;
  line: number;
  message: string;
}

/** One parsed YAML document that can say on which line a value sits. */
export interface YamlDocument {
  /** The document as plain JSON (null for an empty document). */
  value: unknown;
  /** 1-based line where the document's content starts. */
  line: number;
  /** 1-based line of the deepest existing node on `path` (the key's line for map entries). */
  lineOf(path: readonly PathSegment[]): number;
}

export interface ParsedYamlFile {
  /** Documents without syntax errors; broken documents are left out. */
  documents: YamlDocument[];
  problems: YamlSyntaxProblem[];
}

export function isYamlFile(file: string): boolean {
  return /\.ya?ml$/i.test(file);
}

function childOf(node: unknown, segment: PathSegment): { node: unknown; keyNode?: Node } | undefined {
  if (isMap(node)) {
    const pair = node.items.find(item => isPair(item) && (isScalar(item.key) ? item.key.value : item.key) === segment);
    return pair ? { node: pair.value, keyNode: isScalar(pair.key) ? pair.key : undefined } : undefined;
  }
  if (isSeq(node) && typeof segment === 'number') {
    return segment < node.items.length ? { node: node.items[segment] } : undefined;
  }
  return undefined;
}

function startOffset(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

function toYamlDocument(doc: Document.Parsed, lineCounter: LineCounter): YamlDocument {
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  const contentStart = startOffset(doc.contents) ?? doc.range[0];
  return {
    value: doc.toJS({ maxAliasCount: 100 }) as unknown,
    line: lineAt(contentStart),
    lineOf(path) {
      let node: unknown = doc.contents;
      let offset = contentStart;
      for (const segment of path) {
        const child = childOf(node, segment);
        if (!child) break;
        offset = startOffset(child.keyNode) ?? startOffset(child.node) ?? offset;
        node = child.node;
      }
      return lineAt(offset);
    },
  };
}

/** Parsed values are shared through the cache, so no check may change them. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}

/**
 * Recent parses by content, then by file (problems name their file). The renderer parses every
 * file it renders and the validator, run next on the same files, would parse them again: parsing
 * is most of the cost. The content itself is the key, not a `file + content` string built per
 * call: V8 keeps a string's hash, so the validator's lookup of the string the renderer made
 * hashes nothing, where a new key string was copied and hashed on every lookup.
 */
const recentParses = new Map<string, Map<string, ParsedYamlFile>>();
// Enough for a render followed by its validation (a repo is a few dozen YAML files); about 8 MiB.
const RECENT_PARSES_LIMIT = 128;

/**
 * Parses every document of a YAML file. Syntax errors (and yaml's strict checks such as
 * duplicate keys) become problems located by file and line. Results are cached and frozen.
 */
export function parseYamlFile(file: string, content: string): ParsedYamlFile {
  const held = heldScopes.length > 0 ? heldParse(file, content) : undefined;
  if (held) return held;
  let byFile = recentParses.get(content);
  const cached = byFile?.get(file);
  if (cached) {
    // Least recently used goes first: a skeleton's files that every render makes alike stay parsed.
    recentParses.delete(content);
    recentParses.set(content, byFile!);
    return cached;
  }
  const parsed = parseYamlFileUncached(file, content);
  for (const document of parsed.documents) deepFreeze(document.value);
  if (!byFile) {
    if (recentParses.size >= RECENT_PARSES_LIMIT) recentParses.delete(recentParses.keys().next().value as string);
    byFile = new Map();
    recentParses.set(content, byFile);
  }
  // The same content under ever new names (a caller's temporary paths) must not grow without bound.
  if (byFile.size >= RECENT_PARSES_LIMIT) byFile.clear();
  byFile.set(file, parsed);
  return parsed;
}

/** Parses (values frozen, like every parse here) without reading or filling the cache: for a caller that keeps the parse itself. */
export function parseYamlFileFresh(file: string, content: string): ParsedYamlFile {
  const parsed = parseYamlFileUncached(file, content);
  for (const document of parsed.documents) deepFreeze(document.value);
  return parsed;
}

/** A parse someone already holds, for `withParses`. */
export interface HeldParse {
  file: string;
  content: string;
  parsed: ParsedYamlFile;
}

/**
 * Runs `work` with `held` parses answering parseYamlFile for their file and content, and forgets
 * them afterwards. A validation of rendered files reads the renderer's parses (which the renderer
 * keeps with its files) like any other parse, and nothing holds them, or any rendered string or
 * value, past the validation.
 *
 * Why not the recent-parses cache (or any long-lived Map or WeakMap): V8's young-generation
 * collector kept every repo's parses alive once they had been in one, even after they were
 * deleted, so each collection copied and then promoted them (measured: 2.5 to 5 MB a collection,
 * 4 to 10 ms pauses, against 0.1 MB without). The held parses live in a Map made per call, found
 * through a module variable that always points to fresh objects.
 */
export async function withParses<T>(held: readonly HeldParse[], work: () => Promise<T>): Promise<T> {
  const scope = new Map<string, HeldParse[]>();
  for (const entry of held) {
    const entries = scope.get(entry.file);
    if (entries) entries.push(entry);
    else scope.set(entry.file, [entry]);
  }
  heldScopes = [...heldScopes, scope];
  try {
    return await work();
  } finally {
    // Validations may overlap (each awaits its kustomize builds): each takes out its own scope.
    heldScopes = heldScopes.filter(active => active !== scope);
  }
}

/** The parses of every withParses still running, one Map per call. */
let heldScopes: ReadonlyArray<ReadonlyMap<string, readonly HeldParse[]>> = [];

function heldParse(file: string, content: string): ParsedYamlFile | undefined {
  for (const scope of heldScopes) {
    const entries = scope.get(file);
    if (!entries) continue;
    for (const entry of entries) if (entry.content === content) return entry.parsed;
  }
  return undefined;
}

function parseYamlFileUncached(file: string, content: string): ParsedYamlFile {
  return parseYamlFileFast(content) ?? parseYamlFileSlow(file, content);
}

/**
 * The plain-YAML read (yaml-plain.ts), else js-yaml's (yaml-fast.ts), for the values and the
 * documents' lines; `lineOf`, which only a problem needs, asks the `yaml` library's parse, made
 * on the first call.
 */
function parseYamlFileFast(content: string): ParsedYamlFile | undefined {
  const fast = parseYamlPlain(content) ?? parseYamlFast(content);
  if (!fast) return undefined;
  const lineOfOffset = lineCounterInOrder(content);
  const slow = new SlowDocuments(content);
  const documents = fast.map(
    ({ value, rootOffset }, index): YamlDocument => new FastYamlDocument(value, rootOffset === undefined ? undefined : lineOfOffset(rootOffset), slow, index),
  );
  return { documents, problems: [] };
}

/** The `yaml` library's documents of a file, parsed on first use: only a problem's line needs them. */
class SlowDocuments {
  #documents: YamlDocument[] | undefined;
  constructor(private readonly content: string) {}
  get documents(): YamlDocument[] {
    return (this.#documents ??= parseYamlFileSlow('', this.content).documents);
  }
}

/** A document from a fast read: a class, so each costs an allocation, not an object literal with accessors and closures. */
class FastYamlDocument implements YamlDocument {
  constructor(
    readonly value: unknown,
    private readonly rootLine: number | undefined,
    private readonly slow: SlowDocuments,
    private readonly index: number,
  ) {}

  get line(): number {
    return this.rootLine ?? this.slow.documents[this.index]?.line ?? 1;
  }

  lineOf(path: readonly PathSegment[]): number {
    return this.slow.documents[this.index]?.lineOf(path) ?? this.rootLine ?? 1;
  }
}

/**
 * The 1-based line of each offset, for offsets asked in increasing order (the documents' roots):
 * line breaks are counted once, up to the last root, instead of indexing the whole file's lines.
 */
function lineCounterInOrder(content: string): (offset: number) => number {
  let counted = 0;
  let line = 1;
  let starts: number[] | undefined;
  return offset => {
    if (offset < counted) return lineAt((starts ??= lineStarts(content)), offset);
    for (let index = content.indexOf('\n', counted); index !== -1 && index < offset; index = content.indexOf('\n', index + 1)) line++;
    counted = offset;
    return line;
  };
}

function parseYamlFileSlow(file: string, content: string): ParsedYamlFile {
  const lineCounter = new LineCounter();
  // An input without documents gives an EmptyStream, which is an empty array.
  // uniqueKeys: false and duplicateKeys below: yaml's own check is quadratic in a mapping's size,
  // and the repo being validated may be anyone's (a pull request in CI).
  const docs = parseAllDocuments(content, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const problems: YamlSyntaxProblem[] = [];
  const documents: YamlDocument[] = [];
  for (const doc of docs) {
    const duplicates = doc.errors.length ? [] : duplicateKeys(doc, lineCounter);
    for (const duplicate of duplicates) {
      problems.push({ check: 'yaml', rule: 'yaml-syntax', file, line: duplicate.line, message: `Map keys must be unique: ${describeDuplicateKey(duplicate)}` });
    }
    if (duplicates.length) continue;
    if (doc.errors.length) {
      for (const error of doc.errors) {
        problems.push({
          check: 'yaml',
          rule: 'yaml-syntax',
          file,
          line: lineCounter.linePos(error.pos[0]).line,
          message: error.message.split('\n')[0],
        });
      }
      continue;
    }
    try {
      documents.push(toYamlDocument(doc, lineCounter));
    } catch (error) {
      // toJS fails on things like alias bombs; that is a syntax-level problem of the file.
      problems.push({ check: 'yaml', rule: 'yaml-syntax', file, line: lineCounter.linePos(doc.range[0]).line, message: (error as Error).message });
    }
  }
  return { documents, problems };
}
