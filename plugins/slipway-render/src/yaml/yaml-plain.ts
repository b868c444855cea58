import type { FastDocument } from './yaml-fast';

/**
 * The fastest read, for the YAML skeletons render: block mappings and sequences, one-line
 * plain, quoted and flow scalars, `|` literal blocks, comments and `---`. About twice as fast
 * as js-yaml's event stream (1.0 ms against 2.2 ms for a node-service repo's 82 KB of YAML),
 * which was most of a render. Like the js-yaml reader it
 * only has to equal the `yaml` library where it answers, and it says "not me" (undefined) for
 * anything outside that subset, which js-yaml or the `yaml` library then reads:
 *  - tabs, CR, a BOM, `%` directives, `...` markers, anchors, aliases, tags, `?` keys,
 *    folded (`>`) blocks, block indentation indicators, multi-line plain, quoted or flow
 *    scalars, and quoted scalars with escapes JSON does not have;
 *  - a key that is not plainly a string (`1:`, `true:`, `null:`, `<<:`...), a duplicate key,
 *    `__proto__`;
 *  - a plain scalar the core schema reads as a number unless it is a plain decimal (`8080`,
 *    `0.95`): `-0`, `012`, `1e3`, `.5`, `0x1F`, `.inf` go on;
 *  - anything the `yaml` library would call an error (bad indentation, `a: b: c`, text after
 *    a quoted scalar), which it then reports with its line.
 * yaml-plain.test.ts compares it with the `yaml` library on every rendered file of every
 * golden path, on edge cases, and on thousands of random edits of rendered files. Values come
 * frozen (parseYamlFile shares them), so its deep freeze has nothing left to walk.
 */

/** Thrown to give up; one object, so giving up costs no stack trace. */
const GIVE_UP = { giveUp: true };
/** js-yaml's nesting limit. */
const MAX_DEPTH = 100;
const NL = 10;
const SPACE = 32;
const HASH = 35;
const DASH = 45;

type Value = unknown;

export function parseYamlPlain(content: string): FastDocument[] | undefined {
  if (!isCandidate(content)) return undefined;
  try {
    return new PlainReader(content).documents();
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
}

/** A `...` document end marker: three dots ending their line (or the text), or before a space. */
const DOCUMENT_END = /^\.\.\.(?:[ \n]|$)/m;

/**
 * Tabs, CR, a BOM, a directive or a `...` marker: left to the others. Each is looked for with
 * indexOf, which V8 runs as a plain scan; one multiline pattern testing every line start cost a
 * tenth of the parse. A line may start with `%` or `...` only at the start or after a `\n`.
 */
function isCandidate(content: string): boolean {
  if (content.indexOf('\t') !== -1 || content.indexOf('\r') !== -1 || content.indexOf('\ufeff') !== -1) return false;
  if (content.charCodeAt(0) === 37 /* % */ || content.indexOf('\n%') !== -1) return false;
  if ((content.startsWith('...') || content.indexOf('\n...') !== -1) && DOCUMENT_END.test(content)) return false;
  return true;
}

const giveUp = (): never => {
  throw GIVE_UP;
};

const NULL_WORD = /^(?:~|[Nn]ull|NULL)$/;
const BOOL_WORD = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
/** Everything YAML 1.2's core schema reads as a number (the `yaml` library's tests). */
const CORE_NUMBER = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
/** The numbers read here: decimals without sign, exponent or leading zero, exact as doubles. */
const PLAIN_DECIMAL = /^(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?$/;

/** A plain scalar's value under the core schema, or giving up when it is not a plain decimal. */
function resolvePlain(text: string): Value {
  const first = text.charCodeAt(0);
  // 0-9, +, -, .
  if ((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46) {
    if (!CORE_NUMBER.test(text)) return text;
    return PLAIN_DECIMAL.test(text) ? Number(text) : giveUp();
  }
  if (!mayBeWord(text)) return text;
  if (NULL_WORD.test(text)) return null;
  if (BOOL_WORD.test(text)) return text.charCodeAt(0) === 116 || text.charCodeAt(0) === 84; // t, T
  return text;
}

/** Whether `text` could be a null or boolean word (`~`, null, true, false in their three spellings): a cheap test before the patterns. */
function mayBeWord(text: string): boolean {
  if (text.length > 5) return false;
  const first = text.charCodeAt(0) | 0x20; // lower case
  return first === 0x6e /* n */ || first === 0x74 /* t */ || first === 0x66 /* f */ || text === '~';
}

/** Characters that may not start a plain scalar here (YAML's indicators, `-` only before a space). */
function startsPlain(s: string, at: number): boolean {
  const c = s[at];
  if (c === '-') return at + 1 < s.length && s.charCodeAt(at + 1) !== SPACE && s.charCodeAt(at + 1) !== NL;
  return !'?:,[]{}#&*!|>\'"%@`'.includes(c);
}

/** A key's text must plainly be a string: a letter, `_`, `$` or `/` first and no null or boolean word. */
function plainKey(text: string): string {
  const first = text.charCodeAt(0);
  const letter = (first >= 65 && first <= 90) || (first >= 97 && first <= 122) || first === 95 || first === 36 || first === 47;
  if (!letter || (mayBeWord(text) && (NULL_WORD.test(text) || BOOL_WORD.test(text)))) giveUp();
  return text;
}

/**
 * A duplicate key goes to the others (they report it); so does `__proto__`, which would set the
 * prototype. No value read here is undefined, so a defined `target[key]` is a duplicate, or a key
 * Object.prototype has (`constructor`, `toString`), which the others read right: one property
 * load instead of a hasOwnProperty call (a sixth of the parse).
 */
function setKey(target: Record<string, Value>, key: string, value: Value): void {
  if (target[key] !== undefined || key === '__proto__') giveUp();
  target[key] = value;
}

class PlainReader {
  readonly #s: string;
  readonly #n: number;
  /** Where the construct read last ends: the next content line after a block node, the offset after a scalar or flow node. */
  #end = 0;
  /** The `:` the last #keyEnd found, so a mapping need not look for its first key's again. */
  #colon = -1;
  /** Collections open around the one being read: deeper than js-yaml's limit goes to the others, so a deep file cannot exhaust the stack here. */
  #depth = 0;

  constructor(content: string) {
    this.#s = content;
    this.#n = content.length;
  }

  documents(): FastDocument[] {
    const s = this.#s;
    const docs: FastDocument[] = [];
    let p = this.#nextContent(0);
    let afterMarker = false;
    while (p < this.#n) {
      if (this.#isMarker(p)) {
        this.#lineRestIsBlank(p + 3);
        p = this.#nextContent(this.#lineEnd(p) + 1);
        if (p >= this.#n || this.#isMarker(p)) docs.push({ value: null, rootOffset: undefined });
        afterMarker = true;
        continue;
      }
      if (docs.length > 0 && !afterMarker) giveUp();
      const indent = this.#indent(p);
      const at = p + indent;
      const c = s.charCodeAt(at);
      let value: Value;
      if (c === DASH && this.#isDash(at)) value = this.#sequence(at, indent);
      else if (this.#keyEnd(at) >= 0) value = this.#mapping(at, indent, this.#colon);
      else giveUp(); // a scalar document
      p = this.#end;
      docs.push({ value, rootOffset: at });
      afterMarker = false;
      if (p < this.#n && !this.#isMarker(p)) giveUp();
    }
    return docs;
  }

  #lineEnd(from: number): number {
    const end = this.#s.indexOf('\n', from);
    return end === -1 ? this.#n : end;
  }

  #indent(lineStart: number): number {
    let i = lineStart;
    while (i < this.#n && this.#s.charCodeAt(i) === SPACE) i++;
    return i - lineStart;
  }

  #skipSpaces(from: number): number {
    let i = from;
    while (i < this.#n && this.#s.charCodeAt(i) === SPACE) i++;
    return i;
  }

  /** The start of the next line at or after `lineStart` that is neither blank nor a comment, or the end. */
  #nextContent(lineStart: number): number {
    let p = lineStart;
    while (p < this.#n) {
      const j = this.#skipSpaces(p);
      if (j >= this.#n) return this.#n;
      const c = this.#s.charCodeAt(j);
      if (c === NL) p = j + 1;
      else if (c === HASH) p = this.#lineEnd(j) + 1;
      else return p;
    }
    return this.#n;
  }

  /** The start of the next line that is not blank (comments count), or the end. */
  #nextNonBlank(lineStart: number): number {
    let p = lineStart;
    while (p < this.#n) {
      const j = this.#skipSpaces(p);
      if (j >= this.#n) return this.#n;
      if (this.#s.charCodeAt(j) !== NL) return p;
      p = j + 1;
    }
    return this.#n;
  }

  #isMarker(lineStart: number): boolean {
    const s = this.#s;
    if (!s.startsWith('---', lineStart)) return false;
    const next = lineStart + 3;
    return next >= this.#n || s.charCodeAt(next) === NL || s.charCodeAt(next) === SPACE;
  }

  #isDash(at: number): boolean {
    const next = at + 1;
    return next >= this.#n || this.#s.charCodeAt(next) === SPACE || this.#s.charCodeAt(next) === NL;
  }

  /** Only spaces and a comment may follow `from` on its line; returns the line's end. */
  #lineRestIsBlank(from: number): number {
    const j = this.#skipSpaces(from);
    if (j >= this.#n || this.#s.charCodeAt(j) === NL) return j;
    if (this.#s.charCodeAt(j) === HASH && j > from) return this.#lineEnd(j);
    return giveUp();
  }

  /**
   * Where the key starting at `at` ends (the offset of its `:`), or -1 when the line holds no key there.
   */
  #keyEnd(at: number): number {
    this.#colon = this.#findKeyEnd(at);
    return this.#colon;
  }

  #findKeyEnd(at: number): number {
    const s = this.#s;
    const c = s[at];
    if (c === '"' || c === "'") {
      const end = c === '"' ? this.#doubleQuotedEnd(at) : this.#singleQuotedEnd(at);
      const colon = this.#skipSpaces(end);
      return s[colon] === ':' && this.#separates(colon + 1) ? colon : -1;
    }
    if (!startsPlain(s, at)) return -1;
    const lineEnd = this.#lineEnd(at);
    for (let i = at; i < lineEnd; i++) {
      const code = s.charCodeAt(i);
      if (code === 58 /* : */ && this.#separates(i + 1)) return i;
      if (code === HASH && s.charCodeAt(i - 1) === SPACE) return -1;
    }
    return -1;
  }

  /** A `:` separates a key from its value when a space, a line end or the end follows it. */
  #separates(next: number): boolean {
    return next >= this.#n || this.#s.charCodeAt(next) === SPACE || this.#s.charCodeAt(next) === NL;
  }

  #key(at: number, colon: number): string {
    const s = this.#s;
    const c = s[at];
    if (c === '"') return this.#doubleQuoted(at);
    if (c === "'") return this.#singleQuoted(at);
    return plainKey(s.slice(at, colon).trimEnd());
  }

  /** A block mapping whose first key starts at `at`, its keys at column `indent`; `#end` is the next content line. */
  #mapping(at: number, indent: number, firstColon: number): Record<string, Value> {
    if (++this.#depth > MAX_DEPTH) giveUp();
    const out: Record<string, Value> = {};
    let key = at;
    let colon = firstColon;
    for (;;) {
      if (key !== at) colon = this.#keyEnd(key);
      if (colon < 0) giveUp();
      const name = this.#key(key, colon);
      setKey(out, name, this.#value(colon + 1, indent, true));
      const next = this.#end;
      const nextIndent = next >= this.#n || this.#isMarker(next) ? -1 : this.#indent(next);
      if (nextIndent < indent) {
        this.#depth--;
        return Object.freeze(out);
      }
      if (nextIndent > indent) giveUp();
      key = next + indent;
    }
  }

  /** A block sequence whose first `-` is at `at`, in column `indent`. */
  #sequence(at: number, indent: number): readonly Value[] {
    if (++this.#depth > MAX_DEPTH) giveUp();
    const s = this.#s;
    const out: Value[] = [];
    let dash = at;
    for (;;) {
      const item = this.#skipSpaces(dash + 1);
      const c = item < this.#n ? s.charCodeAt(item) : NL;
      if (c === NL || c === HASH) {
        out.push(this.#value(dash + 1, indent, false));
      } else if (c === DASH && this.#isDash(item)) {
        return giveUp(); // - - nested
      } else if (this.#keyEnd(item) >= 0) {
        // The `-` is always first on its line (in column `indent`), so the key's column is:
        out.push(this.#mapping(item, indent + (item - dash), this.#colon));
      } else {
        out.push(this.#inline(item, indent));
      }
      const next = this.#end;
      const nextIndent = next >= this.#n || this.#isMarker(next) ? -1 : this.#indent(next);
      if (nextIndent > indent) giveUp();
      const nextDash = next + nextIndent;
      if (nextIndent < indent || s.charCodeAt(nextDash) !== DASH || !this.#isDash(nextDash)) {
        this.#depth--;
        return Object.freeze(out);
      }
      dash = nextDash;
    }
  }

  /**
   * The value after a key's `:` (or a `-`) at `from`, for a node in column `indent`. With
   * `sameIndentSequence`, a sequence in the key's own column is the key's value (YAML allows
   * `key:\n- a`).
   */
  #value(from: number, indent: number, sameIndentSequence: boolean): Value {
    const s = this.#s;
    const at = this.#skipSpaces(from);
    const c = at < this.#n ? s.charCodeAt(at) : NL;
    if (c !== NL && c !== HASH) return this.#inline(at, indent);
    const next = this.#nextContent(this.#lineEnd(at) + 1);
    this.#end = next;
    if (next >= this.#n || this.#isMarker(next)) return null;
    const nextIndent = this.#indent(next);
    const first = next + nextIndent;
    const isDash = s.charCodeAt(first) === DASH && this.#isDash(first);
    if (nextIndent > indent) {
      if (isDash) return this.#sequence(first, nextIndent);
      if (this.#keyEnd(first) >= 0) return this.#mapping(first, nextIndent, this.#colon);
      return giveUp(); // a scalar on the next line
    }
    if (nextIndent === indent && sameIndentSequence && isDash) return this.#sequence(first, nextIndent);
    return null;
  }

  /** A value that starts on the key's (or the `-`'s) line at `at`. */
  #inline(at: number, indent: number): Value {
    const s = this.#s;
    const c = s[at];
    let value: Value;
    if (c === '|') return this.#literal(at, indent);
    if (c === '"') value = this.#doubleQuoted(at);
    else if (c === "'") value = this.#singleQuoted(at);
    else if (c === '[' || c === '{') value = this.#flow(at);
    else if (startsPlain(s, at)) {
      const lineEnd = this.#lineEnd(at);
      let stop = lineEnd;
      for (let i = at + 1; i < lineEnd; i++) {
        const code = s.charCodeAt(i);
        if (code === HASH && s.charCodeAt(i - 1) === SPACE) {
          stop = i;
          break;
        }
        if (code === 58 /* : */ && this.#separates(i + 1)) giveUp(); // `a: b: c`, an error
      }
      const text = s.slice(at, stop).trimEnd();
      this.#end = this.#afterScalar(lineEnd, indent);
      return resolvePlain(text);
    } else return giveUp();
    this.#end = this.#afterScalar(this.#lineRestIsBlank(this.#end), indent);
    return value;
  }

  /** The next content line after a one-line scalar; a more indented line would continue it (or be an error). */
  #afterScalar(lineEnd: number, indent: number): number {
    const following = this.#nextNonBlank(lineEnd + 1);
    if (following < this.#n && !this.#isMarker(following) && this.#indent(following) > indent) giveUp();
    return this.#nextContent(following);
  }

  /** `|`, `|-` or `|+` at `at`, for a node in column `indent`. */
  #literal(at: number, indent: number): string {
    const s = this.#s;
    let header = at + 1;
    const chomp = s[header] === '-' || s[header] === '+' ? s[header++] : '';
    const lineEnd = this.#lineRestIsBlank(header);
    if (lineEnd >= this.#n) giveUp();
    // The first line with text sets the content's column; blank lines before it may not be longer.
    let p = lineEnd + 1;
    let longestLeadingBlank = 0;
    let column = -1;
    while (p < this.#n) {
      const j = this.#skipSpaces(p);
      if (j < this.#n && s.charCodeAt(j) !== NL) {
        column = j - p;
        break;
      }
      longestLeadingBlank = Math.max(longestLeadingBlank, j - p);
      p = j + 1;
    }
    if (column <= indent || longestLeadingBlank > column) giveUp();
    const lines: string[] = [];
    let blanks = 0;
    p = lineEnd + 1;
    while (p < this.#n) {
      const j = this.#skipSpaces(p);
      const end = this.#lineEnd(p);
      if (j >= end) {
        if (j - p > column) giveUp(); // a line of spaces only, beyond the content's column
        blanks++;
        p = end + 1;
        continue;
      }
      if (j - p < column) break;
      if (end >= this.#n) giveUp(); // no line break after the last line
      for (; blanks > 0; blanks--) lines.push('');
      lines.push(s.slice(p + column, end));
      p = end + 1;
    }
    if (chomp === '+' && blanks > 0) giveUp();
    const body = lines.join('\n');
    const value = chomp === '-' ? body : `${body}\n`;
    this.#end = this.#nextContent(Math.min(p, this.#n));
    return value;
  }

  #doubleQuotedEnd(at: number): number {
    const s = this.#s;
    for (let i = at + 1; i < this.#n; i++) {
      const c = s[i];
      if (c === '"') return i + 1;
      if (c === '\n') return giveUp();
      if (c === '\\') {
        if (!'"\\/bfnrtu'.includes(s[i + 1] ?? '')) giveUp();
        i++;
      }
    }
    return giveUp();
  }

  /** A one-line double-quoted scalar with JSON's escapes only: JSON reads it the same. */
  #doubleQuoted(at: number): string {
    const end = this.#doubleQuotedEnd(at);
    let value: unknown;
    try {
      value = JSON.parse(this.#s.slice(at, end));
    } catch {
      return giveUp();
    }
    this.#end = end;
    return value as string;
  }

  #singleQuotedEnd(at: number): number {
    const s = this.#s;
    for (let i = at + 1; i < this.#n; i++) {
      const c = s[i];
      if (c === '\n') return giveUp();
      if (c === "'") {
        if (s[i + 1] === "'") i++;
        else return i + 1;
      }
    }
    return giveUp();
  }

  #singleQuoted(at: number): string {
    const end = this.#singleQuotedEnd(at);
    this.#end = end;
    return this.#s.slice(at + 1, end - 1).replace(/''/g, "'");
  }

  /** A one-line flow collection (`[a, "b"]`, `{ k: v }`) or scalar inside one. */
  #flow(at: number): Value {
    const s = this.#s;
    const c = s[at];
    if ((c === '[' || c === '{') && ++this.#depth > MAX_DEPTH) giveUp();
    if (c === '[') {
      const out: Value[] = [];
      let i = this.#skipSpaces(at + 1);
      if (s[i] === ']') return this.#closed(out, i + 1);
      for (;;) {
        out.push(this.#flow(i));
        i = this.#skipSpaces(this.#end);
        if (s[i] === ']') return this.#closed(out, i + 1);
        if (s[i] !== ',') giveUp();
        i = this.#skipSpaces(i + 1);
        if (s[i] === ']') giveUp(); // a trailing comma
      }
    }
    if (c === '{') {
      const out: Record<string, Value> = {};
      let i = this.#skipSpaces(at + 1);
      if (s[i] === '}') return this.#closed(out, i + 1);
      for (;;) {
        let key: string;
        if (s[i] === '"') key = this.#doubleQuoted(i);
        else if (s[i] === "'") key = this.#singleQuoted(i);
        else {
          this.#end = this.#flowPlainEnd(i);
          key = plainKey(s.slice(i, this.#end).trimEnd());
        }
        const colon = this.#skipSpaces(this.#end);
        if (s[colon] !== ':' || s.charCodeAt(colon + 1) !== SPACE) giveUp();
        i = this.#skipSpaces(colon + 1);
        if (s[i] === ',' || s[i] === '}') giveUp(); // a key without a value
        setKey(out, key, this.#flow(i));
        i = this.#skipSpaces(this.#end);
        if (s[i] === '}') return this.#closed(out, i + 1);
        if (s[i] !== ',') giveUp();
        i = this.#skipSpaces(i + 1);
        if (s[i] === '}') giveUp();
      }
    }
    if (c === '"') return this.#doubleQuoted(at);
    if (c === "'") return this.#singleQuoted(at);
    const end = this.#flowPlainEnd(at);
    return this.#ended(resolvePlain(s.slice(at, end).trimEnd()), end);
  }

  #ended<T>(value: T, end: number): T {
    this.#end = end;
    return value;
  }

  /** A flow collection read to `end`: frozen, and one level less deep. */
  #closed<T extends object>(collection: T, end: number): Readonly<T> {
    this.#depth--;
    return this.#ended(Object.freeze(collection), end);
  }

  /** Where a plain scalar inside a flow collection ends: before `,[]{}`, a separating `:` or the line's end. */
  #flowPlainEnd(at: number): number {
    const s = this.#s;
    if (!startsPlain(s, at)) giveUp();
    let i = at;
    for (; i < this.#n; i++) {
      const c = s[i];
      if (c === '\n') giveUp(); // multi-line flow
      if (c === ',' || c === '[' || c === ']' || c === '{' || c === '}') break;
      if (c === ':' && (s[i + 1] === ' ' || s[i + 1] === ',' || s[i + 1] === ']' || s[i + 1] === '}' || s[i + 1] === '\n')) break;
      if (c === '#' && s[i - 1] === ' ') giveUp();
    }
    if (i === at) giveUp();
    return i;
  }
}
