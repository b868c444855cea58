/**
 * The offline check run before an overlay is built: kustomize fetches whatever a kustomization
 * names that is not a local file ("A base can be either a remote git repo URL, or a directory
 * specified relative to the current root. In the former case, the repo is locally cloned",
 * api/internal/loader/fileloader.go), so validating an untrusted repo could make it send requests
 * anywhere (cloud metadata endpoints included) and report what came back.
 *
 * Rather than recognise every remote form kustomize accepts (http(s), `github.com/org/repo//path?ref=`,
 * `git@host:repo`, `ssh://`, `file://`, `git::...`, and whatever a later version adds), every entry
 * must resolve, after following symbolic links, to an existing file or folder inside the repo; the
 * remote forms are only recognised to say what was refused. A refused overlay is not built at all.
 */
import { promises as fs } from 'fs';
import path from 'path';
import { kustomizationSources, pluginConfigSources, ExtractedSources, SourceEntry } from './kustomize-entries';
import { KUSTOMIZATION_FILE_NAMES } from './kustomization-files';
import type { RuleIdOf } from './rules';
import { ValidationProblem } from './types';

/** Rule ids of the offline check. */
export const OFFLINE_RULES = {
  /** A URL or git remote, or a Helm chart: kustomize would download it. */
  remote: 'kustomize-remote-source',
  /** An absolute path, a `../` path or a symbolic link that leads out of the repo. */
  outside: 'kustomize-source-outside-repo',
  /** An entry naming nothing in the repo (kustomize may then try it as a git URL). */
  missing: 'kustomize-source-missing',
  /** A kustomization or plugin config the check cannot read completely, so cannot vouch for. */
  unchecked: 'kustomize-source-unchecked',
} as const;


const NOT_BUILT = 'Slipway builds overlays offline from the repo alone, so this overlay was not built.';

const REMOTE_FORMS: Array<[RegExp, string]> = [
  [/^https?:\/\//i, 'a URL kustomize would download'],
  [/^git::/i, 'a git URL kustomize would clone'],
  [/^[a-z][a-z0-9+.-]*:\/\//i, 'a URL kustomize would fetch or clone'],
  [/^[a-z][a-z0-9-]*@/i, 'a git address kustomize would clone'],
  [/^github\.com[/:]/i, 'a GitHub repository kustomize would clone'],
];

/** What a remote-looking entry is, or undefined for something that reads as a local path. */
export function remoteForm(entry: string): string | undefined {
  return REMOTE_FORMS.find(([pattern]) => pattern.test(entry))?.[1];
}

function quote(entry: string): string {
  return JSON.stringify(entry.length > 200 ? `${entry.slice(0, 200)}…` : entry);
}

function isInside(root: string, target: string): boolean {
  return target === root || target.startsWith(`${root}${path.sep}`);
}

async function realpathIfPresent(target: string): Promise<string | undefined> {
  try {
    return await fs.realpath(target);
  } catch {
    return undefined;
  }
}

type Resolved = { ok: true; real: string; isDirectory: boolean } | { ok: false };

class OfflineCheck {
  readonly problems: ValidationProblem[] = [];
  private readonly visited = new Set<string>();

  constructor(private readonly root: string) {}

  private relative(target: string): string {
    return path.relative(this.root, target).split(path.sep).join('/') || '.';
  }

  private refuse(rule: RuleIdOf<'kustomize'>, file: string, message: string): void {
    this.problems.push({ check: 'kustomize', rule, file, message: `${message} ${NOT_BUILT}` });
  }

  /** The real path of an entry when it is an existing file or folder inside the repo; a problem otherwise. */
  private async resolveEntry(file: string, dir: string, { field, entry }: SourceEntry): Promise<Resolved> {
    const remote = remoteForm(entry);
    if (remote) {
      this.refuse(OFFLINE_RULES.remote, file, `${field}: ${quote(entry)} is ${remote}.`);
      return { ok: false };
    }
    if (path.isAbsolute(entry)) {
      this.refuse(OFFLINE_RULES.outside, file, `${field}: ${quote(entry)} is an absolute path; sources must be relative paths inside the repo.`);
      return { ok: false };
    }
    const lexical = path.resolve(dir, entry);
    if (!isInside(this.root, lexical)) {
      this.refuse(OFFLINE_RULES.outside, file, `${field}: ${quote(entry)} leads outside the repo.`);
      return { ok: false };
    }
    const real = await realpathIfPresent(lexical);
    if (!real) {
      this.refuse(OFFLINE_RULES.missing, file, `${field}: ${quote(entry)} is not a file or folder in the repo; every source must be one.`);
      return { ok: false };
    }
    if (!isInside(this.root, real)) {
      this.refuse(OFFLINE_RULES.outside, file, `${field}: ${quote(entry)} goes through a symbolic link that leads outside the repo.`);
      return { ok: false };
    }
    const stat = await fs.stat(real).catch(() => undefined);
    if (!stat) {
      this.refuse(OFFLINE_RULES.unchecked, file, `${field}: ${quote(entry)} cannot be read.`);
      return { ok: false };
    }
    return { ok: true, real, isDirectory: stat.isDirectory() };
  }

  private async checkExtracted(file: string, dir: string, extracted: ExtractedSources): Promise<void> {
    for (const reason of extracted.unreadable) {
      this.refuse(OFFLINE_RULES.unchecked, file, `cannot be checked for remote sources: ${reason}.`);
    }
    if (extracted.unreadable.length) return;
    for (const { field, what } of extracted.downloading) {
      this.refuse(OFFLINE_RULES.remote, file, `${field} inflates ${what}. Render the chart into the repo and list the files as resources.`);
    }
    for (const entry of extracted.entries) await this.checkEntry(file, dir, entry);
  }

  private async checkEntry(file: string, dir: string, entry: SourceEntry): Promise<void> {
    const resolved = await this.resolveEntry(file, dir, entry);
    if (!resolved.ok) return;
    if (entry.kind === 'resource' || entry.kind === 'component') {
      if (resolved.isDirectory) await this.visitDir(resolved.real);
      return;
    }
    if (entry.kind === 'plugin-config') {
      if (resolved.isDirectory) {
        // Its configs would come out of a kustomize build of that folder, which patches can rewrite.
        this.refuse(
          OFFLINE_RULES.unchecked,
          file,
          `${entry.field}: ${quote(entry.entry)} is a folder; list the config files themselves so their paths can be checked.`,
        );
        return;
      }
      const text = await this.readText(file, entry.field, resolved.real);
      // A plugin's paths are relative to the kustomization that lists it, not to its config file.
      if (text !== undefined) await this.checkExtracted(file, dir, pluginConfigSources(text, entry.field));
    }
  }

  private async readText(file: string, what: string, real: string): Promise<string | undefined> {
    try {
      const stat = await fs.stat(real);
      // A folder named like a kustomization is kustomize's to reject.
      if (stat.isDirectory()) return undefined;
      // A FIFO or device would block or never end: only regular files are read.
      if (!stat.isFile()) {
        this.refuse(OFFLINE_RULES.unchecked, file, `${what} is not a regular file.`);
        return undefined;
      }
      return await fs.readFile(real, 'utf8');
    } catch (error) {
      this.refuse(OFFLINE_RULES.unchecked, file, `${what} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
      return undefined;
    }
  }

  /** Checks every kustomization file in a folder (kustomize refuses a folder with more than one). */
  async visitDir(dir: string): Promise<void> {
    if (this.visited.has(dir)) return;
    this.visited.add(dir);
    for (const name of KUSTOMIZATION_FILE_NAMES) {
      const candidate = path.join(dir, name);
      const file = this.relative(candidate);
      const real = await realpathIfPresent(candidate);
      if (!real) continue;
      if (!isInside(this.root, real)) {
        this.refuse(OFFLINE_RULES.outside, file, `${name} is a symbolic link that leads outside the repo.`);
        continue;
      }
      const text = await this.readText(file, name, real);
      if (text !== undefined) await this.checkExtracted(file, dir, kustomizationSources(text));
    }
  }
}

/**
 * Problems that forbid building the overlay in `overlayDir` (repo-relative) offline: remote or
 * missing sources, sources outside `root`, Helm charts, anywhere in the overlay, its bases and
 * its components. Empty when the overlay builds from the repo alone.
 */
export async function offlineBuildProblems(root: string, overlayDir: string): Promise<ValidationProblem[]> {
  const realRoot = await fs.realpath(root);
  const check = new OfflineCheck(realRoot);
  const dir = await realpathIfPresent(path.resolve(realRoot, overlayDir));
  if (!dir || !isInside(realRoot, dir)) {
    check.problems.push({
      check: 'kustomize',
      rule: OFFLINE_RULES.outside,
      file: overlayDir,
      message: `the overlay folder does not resolve to a folder inside the repo (a symbolic link out of it?). ${NOT_BUILT}`,
    });
    return check.problems;
  }
  await check.visitDir(dir);
  return check.problems;
}
