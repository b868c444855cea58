/**
 * GitHub Actions expressions (`${{ … }}` and bare `if:` conditions), evaluated with what a
 * check knows about one trigger (the event, the ref) and nothing else: every other context
 * is UNKNOWN, and UNKNOWN propagates, so a check can tell "false" from "cannot say".
 *
 * Semantics follow docs.github.com/en/actions/reference/workflows-and-actions/expressions:
 * `&&`/`||` return an operand (not a boolean); `==`/`!=` compare strings ignoring case and
 * coerce mixed types to numbers; `startsWith`, `endsWith` and `contains` ignore case; null,
 * false, 0, -0, "" and NaN are falsy.
 */

export const UNKNOWN: unique symbol = Symbol('unknown');
export type Value = string | number | boolean | null | typeof UNKNOWN;

/** What a check knows: context paths such as `github.ref` → value. */
export type KnownContext = ReadonlyMap<string, Value>;

/** How the status functions evaluate; checks asking "can this job run?" assume success. */
export interface StatusAssumption {
  success: Value;
  always: Value;
  failure: Value;
  cancelled: Value;
}

const ASSUME_SUCCESS: StatusAssumption = { success: true, always: true, failure: UNKNOWN, cancelled: UNKNOWN };

type Node =
  | { type: 'literal'; value: Value }
  | { type: 'path'; parts: string[] }
  | { type: 'not'; operand: Node }
  | { type: 'binary'; operator: string; left: Node; right: Node }
  | { type: 'call'; name: string; args: Node[] };

type Token = { kind: 'number' | 'string' | 'name' | 'op'; text: string; value?: Value };

export class ExpressionSyntaxError extends Error {}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= source.length) throw new ExpressionSyntaxError('unterminated string');
        if (source[i] === "'") {
          if (source[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += source[i++];
      }
      tokens.push({ kind: 'string', text, value: text });
      continue;
    }
    const number = /^(0x[0-9a-fA-F]+|-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)/.exec(source.slice(i));
    if (number && (c !== '-' || tokens.length === 0 || tokens[tokens.length - 1].kind === 'op')) {
      tokens.push({ kind: 'number', text: number[0], value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(source.slice(i));
    if (name) {
      tokens.push({ kind: 'name', text: name[0] });
      i += name[0].length;
      continue;
    }
    const op = /^(&&|\|\||==|!=|<=|>=|[!<>().,[\]*])/.exec(source.slice(i));
    if (!op) throw new ExpressionSyntaxError(`unexpected character ${JSON.stringify(c)}`);
    tokens.push({ kind: 'op', text: op[0] });
    i += op[0].length;
  }
  return tokens;
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.or();
    if (this.position < this.tokens.length) throw new ExpressionSyntaxError(`unexpected ${this.tokens[this.position].text}`);
    return node;
  }

  private peek(text?: string): Token | undefined {
    const token = this.tokens[this.position];
    return text === undefined || token?.text === text ? token : undefined;
  }

  private take(text: string): void {
    if (!this.peek(text)) throw new ExpressionSyntaxError(`expected ${text}`);
    this.position++;
  }

  private binary(next: () => Node, operators: string[]): Node {
    let left = next();
    for (;;) {
      const token = this.tokens[this.position];
      if (!token || token.kind !== 'op' || !operators.includes(token.text)) return left;
      this.position++;
      left = { type: 'binary', operator: token.text, left, right: next() };
    }
  }

  private or = (): Node => this.binary(this.and, ['||']);
  private and = (): Node => this.binary(this.equality, ['&&']);
  private equality = (): Node => this.binary(this.comparison, ['==', '!=']);
  private comparison = (): Node => this.binary(this.unary, ['<', '<=', '>', '>=']);

  private unary = (): Node => {
    if (this.peek('!')) {
      this.position++;
      return { type: 'not', operand: this.unary() };
    }
    return this.primary();
  };

  private primary(): Node {
    const token = this.tokens[this.position];
    if (!token) throw new ExpressionSyntaxError('unexpected end');
    this.position++;
    if (token.kind === 'string' || token.kind === 'number') return { type: 'literal', value: token.value ?? null };
    if (token.text === '(') {
      const inner = this.or();
      this.take(')');
      return inner;
    }
    if (token.kind !== 'name') throw new ExpressionSyntaxError(`unexpected ${token.text}`);
    if (token.text === 'true' || token.text === 'false') return { type: 'literal', value: token.text === 'true' };
    if (token.text === 'null') return { type: 'literal', value: null };
    if (this.peek('(')) {
      this.position++;
      const args: Node[] = [];
      while (!this.peek(')')) {
        args.push(this.or());
        if (!this.peek(')')) this.take(',');
      }
      this.take(')');
      return { type: 'call', name: token.text.toLowerCase(), args };
    }
    const parts = [token.text];
    for (;;) {
      if (this.peek('.')) {
        this.position++;
        const next = this.tokens[this.position++];
        if (!next || (next.kind !== 'name' && next.text !== '*')) throw new ExpressionSyntaxError('expected a property name');
        parts.push(next.text);
      } else if (this.peek('[')) {
        this.position++;
        const index = this.or();
        this.take(']');
        parts.push(index.type === 'literal' && index.value !== UNKNOWN ? String(index.value) : '*');
      } else {
        return { type: 'path', parts };
      }
    }
  }
}

/** Parsed expressions by source: a repo has few distinct ones, and every CI unit reads them. */
const parsed = new Map<string, Node | ExpressionSyntaxError>();
const PARSE_CACHE_LIMIT = 10_000;

export function parseExpression(source: string): Node {
  let node = parsed.get(source);
  if (node === undefined) {
    try {
      node = new Parser(tokenize(source)).parse();
    } catch (error) {
      node = error instanceof ExpressionSyntaxError ? error : new ExpressionSyntaxError(String(error));
    }
    if (parsed.size >= PARSE_CACHE_LIMIT) parsed.clear();
    parsed.set(source, node);
  }
  if (node instanceof ExpressionSyntaxError) throw node;
  return node;
}

export function isTruthy(value: Value): boolean | typeof UNKNOWN {
  if (value === UNKNOWN) return UNKNOWN;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  return Boolean(value);
}

function toNumber(value: Exclude<Value, typeof UNKNOWN>): number {
  if (value === null) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  const trimmed = value.trim();
  return trimmed === '' ? 0 : Number(trimmed);
}

function looseEquals(a: Exclude<Value, typeof UNKNOWN>, b: Exclude<Value, typeof UNKNOWN>): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === typeof b || a === null || b === null) return a === b || toNumber(a) === toNumber(b);
  return toNumber(a) === toNumber(b);
}

const text = (value: Exclude<Value, typeof UNKNOWN>): string => (value === null ? '' : String(value));

function evaluateNode(node: Node, known: KnownContext, status: StatusAssumption): Value {
  switch (node.type) {
    case 'literal':
      return node.value;
    case 'path': {
      const key = node.parts.join('.');
      return known.has(key) ? (known.get(key) as Value) : UNKNOWN;
    }
    case 'not': {
      const truth = isTruthy(evaluateNode(node.operand, known, status));
      return truth === UNKNOWN ? UNKNOWN : !truth;
    }
    case 'binary': {
      const left = evaluateNode(node.left, known, status);
      if (node.operator === '&&' || node.operator === '||') {
        const truth = isTruthy(left);
        const right = () => evaluateNode(node.right, known, status);
        if (truth === UNKNOWN) {
          // Unknown left: the result is still known to be falsy (&&) or truthy (||) when the right says so.
          const other = isTruthy(right());
          if (node.operator === '&&' && other === false) return false;
          return UNKNOWN;
        }
        if (node.operator === '&&') return truth ? right() : left;
        return truth ? left : right();
      }
      const right = evaluateNode(node.right, known, status);
      if (left === UNKNOWN || right === UNKNOWN) return UNKNOWN;
      switch (node.operator) {
        case '==':
          return looseEquals(left, right);
        case '!=':
          return !looseEquals(left, right);
        case '<':
          return toNumber(left) < toNumber(right);
        case '<=':
          return toNumber(left) <= toNumber(right);
        case '>':
          return toNumber(left) > toNumber(right);
        default:
          return toNumber(left) >= toNumber(right);
      }
    }
    case 'call': {
      if (node.name === 'success' || node.name === 'always' || node.name === 'failure' || node.name === 'cancelled') {
        return status[node.name];
      }
      const args = node.args.map(arg => evaluateNode(arg, known, status));
      if (args.some(arg => arg === UNKNOWN)) return UNKNOWN;
      const [a, b] = args as Array<Exclude<Value, typeof UNKNOWN>>;
      switch (node.name) {
        case 'startswith':
          return text(a).toLowerCase().startsWith(text(b).toLowerCase());
        case 'endswith':
          return text(a).toLowerCase().endsWith(text(b).toLowerCase());
        case 'contains':
          return text(a).toLowerCase().includes(text(b).toLowerCase());
        case 'format':
          return text(a).replace(/\{(\d+)\}/g, (_, index: string) => text((args[Number(index) + 1] ?? '') as Exclude<Value, typeof UNKNOWN>));
        default:
          return UNKNOWN;
      }
    }
  }
}

/** Whether the expression calls a status function (GitHub then does not add `success() &&`). */
function callsStatusFunction(node: Node): boolean {
  switch (node.type) {
    case 'call':
      return ['success', 'always', 'failure', 'cancelled'].includes(node.name) || node.args.some(callsStatusFunction);
    case 'not':
      return callsStatusFunction(node.operand);
    case 'binary':
      return callsStatusFunction(node.left) || callsStatusFunction(node.right);
    default:
      return false;
  }
}

/** The expression inside `${{ … }}`, or the text itself for a bare `if:` condition. */
function unwrap(source: string): string {
  const match = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(source);
  return match ? match[1] : source;
}

/** Evaluates one expression; a syntax error evaluates to UNKNOWN. */
export function evaluate(source: string, known: KnownContext, status: StatusAssumption = ASSUME_SUCCESS): Value {
  try {
    return evaluateNode(parseExpression(unwrap(source)), known, status);
  } catch {
    return UNKNOWN;
  }
}

/**
 * A job's or step's `if:`: true, false or UNKNOWN. Absent means `success()`; a condition without
 * a status function is `success() && (condition)`, as GitHub runs it.
 */
export function evaluateCondition(condition: unknown, known: KnownContext, status: StatusAssumption = ASSUME_SUCCESS): boolean | typeof UNKNOWN {
  if (condition === undefined || condition === null) return isTruthy(status.success);
  if (typeof condition === 'boolean' || typeof condition === 'number') return isTruthy(condition);
  if (typeof condition !== 'string') return UNKNOWN;
  try {
    const node = parseExpression(unwrap(condition));
    const value = evaluateNode(node, known, status);
    if (callsStatusFunction(node)) return isTruthy(value);
    const success = isTruthy(status.success);
    const truth = isTruthy(value);
    if (success === false || truth === false) return false;
    return success === UNKNOWN || truth === UNKNOWN ? UNKNOWN : true;
  } catch {
    return UNKNOWN;
  }
}

/** Whether a condition bypasses skipped `needs` (any status function but plain success()). */
export function conditionRunsAfterSkippedNeeds(condition: unknown): boolean {
  if (typeof condition !== 'string') return false;
  try {
    const node = parseExpression(unwrap(condition));
    const withoutSuccess = (n: Node): boolean => {
      switch (n.type) {
        case 'call':
          return ['always', 'failure', 'cancelled'].includes(n.name) || n.args.some(withoutSuccess);
        case 'not':
          return withoutSuccess(n.operand);
        case 'binary':
          return withoutSuccess(n.left) || withoutSuccess(n.right);
        default:
          return false;
      }
    };
    return withoutSuccess(node);
  } catch {
    return false;
  }
}

const EMBEDDED = /\$\{\{([\s\S]*?)\}\}/g;

/** The expressions embedded in a string (`a-${{ x }}-b` → [' x ']). */
export function embeddedExpressions(template: string): string[] {
  return [...template.matchAll(EMBEDDED)].map(match => match[1]);
}

/**
 * A string with embedded expressions, with every expression the context knows replaced by
 * its value; unknown ones stay as `${{ expr }}` (normalised), so two templates compare equal
 * exactly when GitHub would give them the same value for every unknown.
 */
export function interpolate(template: string, known: KnownContext): { value: string; unknown: string[] } {
  const unknown: string[] = [];
  const value = template.replace(EMBEDDED, (_, expression: string) => {
    const result = evaluate(expression, known);
    if (result === UNKNOWN) {
      const normalised = expression.trim().replace(/\s+/g, ' ');
      unknown.push(normalised);
      return `\${{ ${normalised} }}`;
    }
    return result === null ? '' : String(result);
  });
  return { value, unknown };
}

/** Context paths an expression reads (`github.event.pull_request.title`, `env.X`, …). */
export function contextPaths(expression: string): string[] {
  try {
    const paths: string[] = [];
    const walk = (node: Node): void => {
      if (node.type === 'path') paths.push(node.parts.join('.'));
      else if (node.type === 'not') walk(node.operand);
      else if (node.type === 'binary') {
        walk(node.left);
        walk(node.right);
      } else if (node.type === 'call') node.args.forEach(walk);
    };
    walk(parseExpression(expression));
    return paths;
  } catch {
    return [];
  }
}

/**
 * The strings a templated value can take (`staging`, or `${{ cond && 'production' || 'staging' }}`
 * → both): the known value when the context decides it, else the literals the expression can return.
 */
export function possibleStrings(template: string, known: KnownContext): string[] {
  const whole = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(template);
  if (!whole) {
    const { value, unknown } = interpolate(template, known);
    return unknown.length ? [] : [value];
  }
  const value = evaluate(whole[1], known);
  if (typeof value === 'string') return [value];
  if (value !== UNKNOWN) return [];
  try {
    const out = new Set<string>();
    const walk = (node: Node): void => {
      if (node.type === 'literal' && typeof node.value === 'string') out.add(node.value);
      // The right of && and both sides of || can be the result; comparisons yield booleans.
      if (node.type === 'binary' && (node.operator === '&&' || node.operator === '||')) {
        if (node.operator === '||') walk(node.left);
        walk(node.right);
      }
    };
    walk(parseExpression(whole[1]));
    return [...out];
  } catch {
    return [];
  }
}
