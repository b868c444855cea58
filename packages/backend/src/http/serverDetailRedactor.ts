import { realpathSync } from 'fs';
import path from 'path';

/** A folder of this server and the placeholder that stands for it in what clients see. */
export interface ServerPathRoot {
  placeholder: string;
  path: string;
}

/**
 * A V8 stack frame line: `    at fn (/abs/file.js:1:2)`, `    at /abs/file.js:1:2`,
 * `    at async Promise.all (index 0)`, `    at new Promise (<anonymous>)`.
 */
const STACK_FRAME = /^[ \t]+at (?:.+ \((?:.*:\d+:\d+|<anonymous>|native|index \d+)\)|.*:\d+:\d+)[ \t]*$/;

/**
 * Takes what a client must not see about this server out of text: stack frames, and
 * absolute paths of its own folders, which become placeholders (`<data>/work/…`). The
 * message itself stays, so the text still says what failed.
 */
export class ServerDetailRedactor {
  private readonly pattern: RegExp | undefined;
  private readonly placeholders: ReadonlyMap<string, string>;

  constructor(roots: readonly ServerPathRoot[]) {
    const placeholders = new Map<string, string>();
    for (const root of roots) {
      for (const variant of pathVariants(root.path)) {
        // `/` (or a drive root) as a home or temp dir would swallow every path: skip it.
        if (path.dirname(variant) === variant || placeholders.has(variant)) continue;
        placeholders.set(variant, root.placeholder);
      }
    }
    this.placeholders = placeholders;
    // Longest first, so `<data>` wins over `<tmp>` for a data dir under the temp dir. A root
    // matches only as a whole path: not preceded by a name character (so `/tmp` does not
    // match inside `/var/tmp`) and not followed by one (so `/tmp/a` does not match `/tmp/ab`).
    const alternatives = [...placeholders.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.pattern = alternatives.length ? new RegExp(`(?<![\\w.~-])(?:${alternatives.join('|')})(?![\\w.~-])`, 'g') : undefined;
  }

  /** The text without stack frames, with this server's paths replaced. */
  text(value: string): string {
    let out = value;
    if (out.includes('at ')) {
      out = out
        .split('\n')
        .filter(line => !STACK_FRAME.test(line.replace(/\r$/, '')))
        .join('\n');
    }
    if (this.pattern) out = out.replace(this.pattern, match => this.placeholders.get(match) ?? match);
    return out;
  }

  /** A copy of a JSON value with every string (keys included) passed through text(). */
  json(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map(item => this.json(item));
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.text(key), this.json(item)]));
    }
    return value;
  }
}

/** The path as given, and as resolved through symlinks (e.g. macOS /tmp → /private/tmp). */
function pathVariants(input: string): string[] {
  const resolved = path.resolve(input);
  const variants = [resolved];
  try {
    const real = realpathSync.native(resolved);
    if (real !== resolved) variants.push(real);
  } catch {
    // A folder that does not exist (yet) has no other spelling.
  }
  return variants;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
