/**
 * The expression language of Argo Rollouts' successCondition and failureCondition
 * (github.com/expr-lang/expr v1.17, as argoproj/argo-rollouts utils/evaluate/evaluate.go runs it),
 * for the subset analysis conditions use: literals, `result`, indexing, member access, the
 * operators of expr's parser/operator table with its precedences, the ternary, and the
 * functions Argo adds to the environment (asInt, asFloat, isNaN, isInf, isNil, default) plus
 * expr's common builtins (len, abs, int, float, string, min, max, sum, mean, first, last,
 * round, ceil, floor, all, any, none, one, filter, map, count).
 *
 * Like expr, it type-checks the whole condition before running it (expr compiles the
 * condition against the environment's types, so `len(result) == 0 || isNaN(result)` is an
 * error even though the left side would short-circuit), then runs it with short-circuit
 * `&&`/`||`. Anything the type check or the run refuses is an `error` outcome: Argo marks
 * that measurement Error, never Successful. Constructs outside the subset are `unsupported`.
 *
 * How a Prometheus answer becomes `result` (metricproviders/prometheus/prometheus.go
 * processResponse): a vector or a matrix is a []float64 of its sample values (empty when
 * the query matched nothing), a scalar is a float64.
 */

export type ExprValue = number | boolean | string | null | ExprValue[];

export type ExprOutcome =
  | { kind: 'value'; value: ExprValue }
  | { kind: 'error'; message: string }
  | { kind: 'unsupported'; message: string };

type Type = 'int' | 'float' | 'bool' | 'string' | 'nil' | 'any' | { array: Type };

type Node =
  | { t: 'lit'; value: ExprValue; type: Type }
  | { t: 'ident'; name: string }
  | { t: 'pointer' }
  | { t: 'unary'; op: string; operand: Node }
  | { t: 'binary'; op: string; left: Node; right: Node }
  | { t: 'cond'; test: Node; then: Node; otherwise: Node }
  | { t: 'index'; target: Node; index: Node; optional: boolean }
  | { t: 'member'; target: Node; name: string; optional: boolean }
  | { t: 'call'; name: string; args: Node[] }
  | { t: 'array'; items: Node[] }
  | { t: 'closure'; body: Node };

class Unsupported extends Error {}
class ExprError extends Error {}

// ---------------------------------------------------------------------------------------------
// Lexer

interface Token {
  kind: 'num' | 'str' | 'ident' | 'op' | 'eof';
  text: string;
  value?: number | string;
  isInt?: boolean;
  at: number;
}

const OPERATORS = ['..', '??', '?.', '**', '||', '&&', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '^', '!', '?', ':', '.', ',', '(', ')', '[', ']', '{', '}', '#', '|', ';', '='];

function lex(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i];
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    const rest = source.slice(i);
    const number = /^(0[xX][0-9a-fA-F_]+|(\d[\d_]*)?\.?\d[\d_]*([eE][+-]?\d+)?)/.exec(rest);
    if (/[0-9]/.test(char) || (char === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      let text = number![0];
      // `1..3` is a range, not the float 1.
      if (/^\d+\.$/.test(text) || rest.startsWith(`${text.replace(/\.$/, '')}..`)) text = text.replace(/\..*$/, '');
      const clean = text.replace(/_/g, '');
      const isInt = /^(0[xX][0-9a-fA-F]+|\d+)$/.test(clean);
      tokens.push({ kind: 'num', text, value: Number(clean), isInt, at: i });
      i += text.length;
      continue;
    }
    if (char === '"' || char === "'") {
      let j = i + 1;
      let value = '';
      while (j < source.length && source[j] !== char) {
        if (source[j] === '\\') {
          const escaped = source[j + 1];
          value += ({ n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" } as Record<string, string>)[escaped] ?? escaped;
          j += 2;
        } else value += source[j++];
      }
      if (j >= source.length) throw new ExprError(`unterminated string at ${i}`);
      tokens.push({ kind: 'str', text: source.slice(i, j + 1), value, at: i });
      i = j + 1;
      continue;
    }
    if (char === '`') {
      const end = source.indexOf('`', i + 1);
      if (end < 0) throw new ExprError(`unterminated string at ${i}`);
      tokens.push({ kind: 'str', text: source.slice(i, end + 1), value: source.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const ident = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(rest);
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0], at: i });
      i += ident[0].length;
      continue;
    }
    const op = OPERATORS.find(candidate => rest.startsWith(candidate));
    if (!op) throw new ExprError(`unexpected character ${JSON.stringify(char)} at ${i}`);
    tokens.push({ kind: 'op', text: op, at: i });
    i += op.length;
  }
  tokens.push({ kind: 'eof', text: '', at: source.length });
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Parser (precedences from expr's parser/operator/operator.go)

const BINARY: Record<string, { precedence: number; right?: boolean }> = {
  or: { precedence: 10 }, '||': { precedence: 10 },
  and: { precedence: 15 }, '&&': { precedence: 15 },
  '==': { precedence: 20 }, '!=': { precedence: 20 }, '<': { precedence: 20 }, '>': { precedence: 20 },
  '>=': { precedence: 20 }, '<=': { precedence: 20 }, in: { precedence: 20 }, matches: { precedence: 20 },
  contains: { precedence: 20 }, startsWith: { precedence: 20 }, endsWith: { precedence: 20 },
  '..': { precedence: 25 },
  '+': { precedence: 30 }, '-': { precedence: 30 },
  '*': { precedence: 60 }, '/': { precedence: 60 }, '%': { precedence: 60 },
  '**': { precedence: 100, right: true }, '^': { precedence: 100, right: true },
  '??': { precedence: 500 },
};
const UNARY: Record<string, number> = { not: 50, '!': 50, '-': 90, '+': 90 };
const NORMALISED: Record<string, string> = { or: '||', and: '&&', not: '!', '^': '**' };

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.position];
  }

  private next(): Token {
    return this.tokens[this.position++];
  }

  private expect(text: string): void {
    const token = this.next();
    if (token.text !== text) throw new ExprError(`expected ${JSON.stringify(text)} at ${token.at}, got ${JSON.stringify(token.text || 'the end')}`);
  }

  parseAll(): Node {
    const node = this.expression();
    const rest = this.peek();
    if (rest.kind !== 'eof') throw new ExprError(`unexpected ${JSON.stringify(rest.text)} at ${rest.at}`);
    return node;
  }

  private expression(): Node {
    const test = this.binary(0);
    if (this.peek().text === '?') {
      this.next();
      const then = this.expression();
      this.expect(':');
      return { t: 'cond', test, then, otherwise: this.expression() };
    }
    return test;
  }

  private binaryOperator(): string | undefined {
    const token = this.peek();
    if (token.kind === 'str' || token.kind === 'num' || token.kind === 'eof') return undefined;
    if (token.text === 'not' && this.tokens[this.position + 1]?.text === 'in') return 'not in';
    return BINARY[token.text] ? token.text : undefined;
  }

  private binary(minPrecedence: number): Node {
    let left = this.unary();
    for (;;) {
      const op = this.binaryOperator();
      if (!op) return left;
      const info = BINARY[op === 'not in' ? 'in' : op];
      if (info.precedence < minPrecedence) return left;
      this.next();
      if (op === 'not in') this.next();
      if (op === '|') throw new Unsupported('the pipe operator');
      const right = this.binary(info.right ? info.precedence : info.precedence + 1);
      const normal = NORMALISED[op] ?? op;
      left = op === 'not in'
        ? { t: 'unary', op: '!', operand: { t: 'binary', op: 'in', left, right } }
        : { t: 'binary', op: normal, left, right };
    }
  }

  private unary(): Node {
    const token = this.peek();
    if ((token.kind === 'op' || token.kind === 'ident') && UNARY[token.text] !== undefined) {
      this.next();
      const operand = this.binary(UNARY[token.text]);
      return { t: 'unary', op: NORMALISED[token.text] ?? token.text, operand };
    }
    return this.postfix(this.primary());
  }

  private primary(): Node {
    const token = this.next();
    if (token.kind === 'num') return { t: 'lit', value: token.value as number, type: token.isInt ? 'int' : 'float' };
    if (token.kind === 'str') return { t: 'lit', value: token.value as string, type: 'string' };
    if (token.text === '(') {
      const inner = this.expression();
      this.expect(')');
      return inner;
    }
    if (token.text === '[') {
      const items: Node[] = [];
      while (this.peek().text !== ']') {
        items.push(this.expression());
        if (this.peek().text !== ',') break;
        this.next();
      }
      this.expect(']');
      return { t: 'array', items };
    }
    if (token.text === '#') return { t: 'pointer' };
    if (token.text === '{') throw new Unsupported('map literals');
    if (token.kind === 'ident') {
      if (token.text === 'true' || token.text === 'false') return { t: 'lit', value: token.text === 'true', type: 'bool' };
      if (token.text === 'nil') return { t: 'lit', value: null, type: 'nil' };
      if (token.text === 'let') throw new Unsupported('let');
      if (this.peek().text === '(') {
        this.next();
        const args: Node[] = [];
        const predicate = PREDICATE_BUILTINS.has(token.text);
        while (this.peek().text !== ')') {
          args.push(predicate && args.length === 1 ? this.closure() : this.expression());
          if (this.peek().text !== ',') break;
          this.next();
        }
        this.expect(')');
        return { t: 'call', name: token.text, args };
      }
      return { t: 'ident', name: token.text };
    }
    throw new ExprError(`unexpected ${JSON.stringify(token.text || 'the end')} at ${token.at}`);
  }

  /** A predicate: `{# > 0.9}` or, since expr 1.16, a bare `# > 0.9`. */
  private closure(): Node {
    if (this.peek().text === '{') {
      this.next();
      const body = this.expression();
      this.expect('}');
      return { t: 'closure', body };
    }
    return { t: 'closure', body: this.expression() };
  }

  private postfix(node: Node): Node {
    for (;;) {
      const token = this.peek();
      if (token.text === '.' || token.text === '?.') {
        this.next();
        const name = this.next();
        if (name.text === '[') {
          const index = this.expression();
          this.expect(']');
          node = { t: 'index', target: node, index, optional: true };
          continue;
        }
        if (name.kind !== 'ident') throw new ExprError(`expected a field name at ${name.at}`);
        if (this.peek().text === '(') throw new Unsupported('method calls');
        node = { t: 'member', target: node, name: name.text, optional: token.text === '?.' };
      } else if (token.text === '[') {
        this.next();
        if (this.peek().text === ':') throw new Unsupported('slices');
        const index = this.expression();
        if (this.peek().text === ':') throw new Unsupported('slices');
        this.expect(']');
        node = { t: 'index', target: node, index, optional: false };
      } else return node;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Types (what expr's checker refuses before anything runs)

const PREDICATE_BUILTINS = new Set(['all', 'any', 'none', 'one', 'filter', 'map', 'count', 'find', 'findIndex', 'findLast', 'findLastIndex']);

const isNumeric = (type: Type) => type === 'int' || type === 'float' || type === 'any';
const isArray = (type: Type): type is { array: Type } => typeof type === 'object';
const describe = (type: Type): string => (isArray(type) ? `[]${describe(type.array)}` : type === 'float' ? 'float64' : type === 'any' ? 'interface {}' : type);

/** The Go type of `result` for a value, as expr sees the environment. */
export function exprTypeOf(value: ExprValue): Type {
  if (value === null) return 'nil';
  if (Array.isArray(value)) return { array: value.length && typeof value[0] !== 'number' ? exprTypeOf(value[0]) : 'float' };
  if (typeof value === 'number') return 'float';
  return typeof value === 'boolean' ? 'bool' : 'string';
}

function mismatch(op: string, left: Type, right: Type): never {
  throw new ExprError(`invalid operation: ${op} (mismatched types ${describe(left)} and ${describe(right)})`);
}

function check(node: Node, env: Record<string, Type>, pointer?: Type): Type {
  switch (node.t) {
    case 'lit':
      return node.type;
    case 'pointer':
      if (!pointer) throw new ExprError('# is only valid inside a predicate');
      return pointer;
    case 'closure':
      return check(node.body, env, pointer);
    case 'ident':
      if (!(node.name in env)) throw new ExprError(`unknown name ${node.name}`);
      return env[node.name];
    case 'array': {
      const types = node.items.map(item => check(item, env, pointer));
      return { array: types.length && types.every(type => type === types[0]) ? types[0] : 'any' };
    }
    case 'unary': {
      const operand = check(node.operand, env, pointer);
      if (node.op === '!') {
        if (operand !== 'bool' && operand !== 'any') throw new ExprError(`invalid operation: ! (mismatched type ${describe(operand)})`);
        return 'bool';
      }
      if (!isNumeric(operand)) throw new ExprError(`invalid operation: ${node.op} (mismatched type ${describe(operand)})`);
      return operand;
    }
    case 'cond': {
      const test = check(node.test, env, pointer);
      if (test !== 'bool' && test !== 'any') throw new ExprError(`non-bool expression (type ${describe(test)}) used as condition`);
      const then = check(node.then, env, pointer);
      const otherwise = check(node.otherwise, env, pointer);
      return JSON.stringify(then) === JSON.stringify(otherwise) ? then : 'any';
    }
    case 'binary': {
      const left = check(node.left, env, pointer);
      const right = check(node.right, env, pointer);
      const { op } = node;
      if (op === '||' || op === '&&') {
        if ((left !== 'bool' && left !== 'any') || (right !== 'bool' && right !== 'any')) mismatch(op, left, right);
        return 'bool';
      }
      if (op === '==' || op === '!=') {
        const comparable = left === 'any' || right === 'any' || left === 'nil' || right === 'nil' ||
          (isNumeric(left) && isNumeric(right)) || JSON.stringify(left) === JSON.stringify(right);
        if (!comparable) mismatch(op, left, right);
        return 'bool';
      }
      if (['<', '>', '<=', '>='].includes(op)) {
        if ((isNumeric(left) && isNumeric(right)) || ((left === 'string' || left === 'any') && (right === 'string' || right === 'any'))) return 'bool';
        mismatch(op, left, right);
      }
      if (op === '??') return left === 'nil' ? right : left;
      if (op === 'in') {
        if (!isArray(right) && right !== 'any' && right !== 'string') mismatch(op, left, right);
        return 'bool';
      }
      if (['matches', 'contains', 'startsWith', 'endsWith'].includes(op)) {
        if ((left !== 'string' && left !== 'any') || (right !== 'string' && right !== 'any')) mismatch(op, left, right);
        return 'bool';
      }
      if (op === '..') throw new Unsupported('ranges');
      if (op === '+' && (left === 'string' || right === 'string')) {
        if ((left === 'string' || left === 'any') && (right === 'string' || right === 'any')) return 'string';
        mismatch(op, left, right);
      }
      if (!isNumeric(left) || !isNumeric(right)) mismatch(op, left, right);
      if (op === '%') {
        if ((left !== 'int' && left !== 'any') || (right !== 'int' && right !== 'any')) mismatch(op, left, right);
        return 'int';
      }
      if (op === '/' || op === '**') return 'float';
      return left === 'int' && right === 'int' ? 'int' : left === 'any' || right === 'any' ? 'any' : 'float';
    }
    case 'index': {
      const target = check(node.target, env, pointer);
      const index = check(node.index, env, pointer);
      if (isArray(target)) {
        if (index !== 'int' && index !== 'any') throw new ExprError(`array elements can only be selected using an integer (got ${describe(index)})`);
        return target.array;
      }
      if (target === 'any' || target === 'nil') return 'any';
      throw new ExprError(`cannot use ${describe(target)} to get an element`);
    }
    case 'member': {
      const target = check(node.target, env, pointer);
      if (target === 'any' || target === 'nil') return 'any';
      throw new ExprError(`type ${describe(target)} has no field ${node.name}`);
    }
    case 'call':
      return checkCall(node, env, pointer);
  }
}

function checkCall(node: Extract<Node, { t: 'call' }>, env: Record<string, Type>, pointer?: Type): Type {
  const arity = (count: number) => {
    if (node.args.length !== count) throw new ExprError(`${node.name}() takes ${count} argument(s), got ${node.args.length}`);
  };
  const args = () => node.args.map(arg => check(arg, env, pointer));
  switch (node.name) {
    case 'isNaN':
    case 'isInf': {
      arity(1);
      const [type] = args();
      if (!isNumeric(type)) throw new ExprError(`cannot use ${describe(type)} as argument (type float64) to call ${node.name}`);
      return 'bool';
    }
    case 'asInt':
    case 'asFloat':
      arity(1);
      args();
      return node.name === 'asInt' ? 'int' : 'float';
    case 'isNil':
      arity(1);
      args();
      return 'bool';
    case 'default':
      arity(2);
      args();
      return 'any';
    case 'len': {
      arity(1);
      const [type] = args();
      if (!isArray(type) && type !== 'string' && type !== 'any') throw new ExprError(`invalid argument for len (type ${describe(type)})`);
      return 'int';
    }
    case 'abs':
    case 'round':
    case 'ceil':
    case 'floor': {
      arity(1);
      const [type] = args();
      if (!isNumeric(type)) throw new ExprError(`invalid argument for ${node.name} (type ${describe(type)})`);
      return node.name === 'abs' ? type : 'float';
    }
    case 'int':
    case 'float':
    case 'string':
      arity(1);
      args();
      return node.name === 'int' ? 'int' : node.name === 'float' ? 'float' : 'string';
    case 'max':
    case 'min':
    case 'sum':
    case 'mean':
    case 'median': {
      const types = args();
      if (types.length === 0) throw new ExprError(`not enough arguments to call ${node.name}`);
      for (const type of types) {
        if (!isNumeric(type) && !(isArray(type) && isNumeric(type.array))) throw new ExprError(`invalid argument for ${node.name} (type ${describe(type)})`);
      }
      return node.name === 'mean' || node.name === 'median' ? 'float' : 'any';
    }
    case 'first':
    case 'last': {
      arity(1);
      const [type] = args();
      if (isArray(type)) return type.array;
      if (type === 'any') return 'any';
      throw new ExprError(`cannot get ${node.name} from ${describe(type)}`);
    }
    default:
      if (PREDICATE_BUILTINS.has(node.name)) {
        if (node.name.startsWith('find')) throw new Unsupported(`${node.name}()`);
        arity(2);
        const collection = check(node.args[0], env, pointer);
        if (!isArray(collection) && collection !== 'any') throw new ExprError(`builtin ${node.name} takes only array (got ${describe(collection)})`);
        const element = isArray(collection) ? collection.array : 'any';
        const body = check(node.args[1], env, element);
        if (node.name === 'map') return { array: body };
        if (body !== 'bool' && body !== 'any') throw new ExprError(`predicate should return boolean (got ${describe(body)})`);
        return node.name === 'filter' ? collection : node.name === 'count' ? 'int' : 'bool';
      }
      if (node.name in env) throw new Unsupported(`calling ${node.name}`);
      throw new Unsupported(`the function ${node.name}()`);
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

interface Scope {
  env: Record<string, ExprValue>;
  /** Argo's isNil() and default() look at the whole result, whatever argument they are given. */
  result: ExprValue;
  pointer?: ExprValue;
}

const isNumber = (value: ExprValue): value is number => typeof value === 'number';

function numeric(value: ExprValue, op: string): number {
  if (!isNumber(value)) throw new ExprError(`invalid operation: ${op} on ${value === null ? 'nil' : typeof value}`);
  return value;
}

function equal(left: ExprValue, right: ExprValue): boolean {
  if (Array.isArray(left) || Array.isArray(right)) {
    return Array.isArray(left) && Array.isArray(right) && left.length === right.length && left.every((item, i) => equal(item, right[i]));
  }
  return left === right;
}

function evaluate(node: Node, scope: Scope): ExprValue {
  switch (node.t) {
    case 'lit':
      return node.value;
    case 'pointer':
      return scope.pointer ?? null;
    case 'closure':
      return evaluate(node.body, scope);
    case 'ident':
      return scope.env[node.name] ?? null;
    case 'array':
      return node.items.map(item => evaluate(item, scope));
    case 'unary': {
      const value = evaluate(node.operand, scope);
      if (node.op === '!') return !value;
      return node.op === '-' ? -numeric(value, '-') : numeric(value, '+');
    }
    case 'cond':
      return evaluate(node.test, scope) ? evaluate(node.then, scope) : evaluate(node.otherwise, scope);
    case 'binary': {
      const { op } = node;
      if (op === '&&') return evaluate(node.left, scope) === true && evaluate(node.right, scope) === true;
      if (op === '||') return evaluate(node.left, scope) === true || evaluate(node.right, scope) === true;
      const left = evaluate(node.left, scope);
      if (op === '??') return left ?? evaluate(node.right, scope);
      const right = evaluate(node.right, scope);
      switch (op) {
        case '==':
          return equal(left, right);
        case '!=':
          return !equal(left, right);
        case '<':
        case '>':
        case '<=':
        case '>=': {
          if (typeof left === 'string' && typeof right === 'string') {
            return op === '<' ? left < right : op === '>' ? left > right : op === '<=' ? left <= right : left >= right;
          }
          const [a, b] = [numeric(left, op), numeric(right, op)];
          return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
        }
        case 'in':
          if (Array.isArray(right)) return right.some(item => equal(item, left));
          if (typeof right === 'string' && typeof left === 'string') return right.includes(left);
          throw new ExprError('invalid operation: in');
        case 'matches':
          return new RegExp(String(right)).test(String(left));
        case 'contains':
          return String(left).includes(String(right));
        case 'startsWith':
          return String(left).startsWith(String(right));
        case 'endsWith':
          return String(left).endsWith(String(right));
        case '+':
          if (typeof left === 'string' || typeof right === 'string') return `${left}${right}`;
          return numeric(left, op) + numeric(right, op);
        case '-':
          return numeric(left, op) - numeric(right, op);
        case '*':
          return numeric(left, op) * numeric(right, op);
        case '/':
          return numeric(left, op) / numeric(right, op);
        case '%': {
          const divisor = numeric(right, op);
          if (divisor === 0) throw new ExprError('integer divide by zero');
          return numeric(left, op) % divisor;
        }
        case '**':
          return numeric(left, op) ** numeric(right, op);
        default:
          throw new Unsupported(`the operator ${op}`);
      }
    }
    case 'index': {
      const target = evaluate(node.target, scope);
      if (target === null && node.optional) return null;
      if (!Array.isArray(target)) throw new ExprError(`cannot fetch an element from ${target === null ? 'nil' : typeof target}`);
      const raw = numeric(evaluate(node.index, scope), '[]');
      const index = raw < 0 ? target.length + raw : raw;
      if (!Number.isInteger(index) || index < 0 || index >= target.length) {
        throw new ExprError(`index out of range: ${raw} (array length is ${target.length})`);
      }
      return target[index];
    }
    case 'member': {
      const target = evaluate(node.target, scope);
      if (target === null && node.optional) return null;
      throw new ExprError(`cannot fetch ${node.name} from ${target === null ? 'nil' : typeof target}`);
    }
    case 'call':
      return call(node, scope);
  }
}

function numbersOf(values: ExprValue[], name: string): number[] {
  const flat = values.flatMap(value => (Array.isArray(value) ? value : [value]));
  return flat.map(value => numeric(value, name));
}

function call(node: Extract<Node, { t: 'call' }>, scope: Scope): ExprValue {
  if (PREDICATE_BUILTINS.has(node.name)) {
    const collection = evaluate(node.args[0], scope);
    if (!Array.isArray(collection)) throw new ExprError(`builtin ${node.name} takes only array`);
    const results = collection.map(item => evaluate(node.args[1], { ...scope, pointer: item }));
    switch (node.name) {
      case 'all':
        return results.every(result => result === true);
      case 'any':
        return results.some(result => result === true);
      case 'none':
        return results.every(result => result !== true);
      case 'one':
        return results.filter(result => result === true).length === 1;
      case 'count':
        return results.filter(result => result === true).length;
      case 'filter':
        return collection.filter((_, i) => results[i] === true);
      default:
        return results;
    }
  }
  const args = node.args.map(arg => evaluate(arg, scope));
  const [first] = args;
  switch (node.name) {
    case 'isNaN':
      return Number.isNaN(numeric(first, 'isNaN'));
    case 'isInf': {
      const value = numeric(first, 'isInf');
      return value === Infinity || value === -Infinity;
    }
    case 'asInt':
    case 'asFloat': {
      const value = typeof first === 'string' ? Number(first) : first;
      if (!isNumber(value) || (typeof first === 'string' && (first.trim() === '' || Number.isNaN(value)))) {
        throw new ExprError(`${node.name}() not supported on ${JSON.stringify(first)}`);
      }
      return node.name === 'asInt' ? Math.trunc(value) : value;
    }
    case 'isNil':
      return scope.result === null;
    case 'default':
      return scope.result === null ? args[1] : scope.result;
    case 'len':
      if (Array.isArray(first) || typeof first === 'string') return first.length;
      throw new ExprError(`invalid argument for len (type ${first === null ? 'nil' : typeof first})`);
    case 'abs':
      return Math.abs(numeric(first, 'abs'));
    case 'round':
      return Math.round(numeric(first, 'round'));
    case 'ceil':
      return Math.ceil(numeric(first, 'ceil'));
    case 'floor':
      return Math.floor(numeric(first, 'floor'));
    case 'int':
      return Math.trunc(typeof first === 'string' ? Number(first) : numeric(first, 'int'));
    case 'float':
      return typeof first === 'string' ? Number(first) : numeric(first, 'float');
    case 'string':
      return Array.isArray(first) ? JSON.stringify(first) : String(first);
    case 'max':
    case 'min': {
      const numbers = numbersOf(args, node.name);
      if (numbers.length === 0) return null;
      return node.name === 'max' ? Math.max(...numbers) : Math.min(...numbers);
    }
    case 'sum':
      return numbersOf(args, 'sum').reduce((total, value) => total + value, 0);
    case 'mean':
    case 'median': {
      const numbers = numbersOf(args, node.name).sort((a, b) => a - b);
      if (numbers.length === 0) return 0;
      if (node.name === 'mean') return numbers.reduce((total, value) => total + value, 0) / numbers.length;
      const middle = Math.floor(numbers.length / 2);
      return numbers.length % 2 ? numbers[middle] : (numbers[middle - 1] + numbers[middle]) / 2;
    }
    case 'first':
    case 'last':
      if (!Array.isArray(first)) throw new ExprError(`cannot get ${node.name} from ${typeof first}`);
      return (node.name === 'first' ? first[0] : first[first.length - 1]) ?? null;
    default:
      throw new Unsupported(`the function ${node.name}()`);
  }
}

const compiled = new Map<string, Node | Error>();

function compile(condition: string): Node {
  let node = compiled.get(condition);
  if (!node) {
    try {
      node = new Parser(lex(condition)).parseAll();
    } catch (error) {
      node = error as Error;
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(condition, node);
  }
  if (node instanceof Error) throw node;
  return node;
}

/** Evaluates a condition with `result` bound as Argo Rollouts binds it. Never throws. */
export function evaluateExpr(condition: string, result: ExprValue): ExprOutcome {
  try {
    const node = compile(condition);
    const types: Record<string, Type> = { result: exprTypeOf(result) };
    check(node, types);
    return { kind: 'value', value: evaluate(node, { env: { result }, result }) };
  } catch (error) {
    if (error instanceof Unsupported) return { kind: 'unsupported', message: `uses ${error.message}, which Slipway's evaluator does not cover` };
    return { kind: 'error', message: (error as Error).message };
  }
}

export type AnalysisPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

/**
 * The phase of one measurement, as argoproj/argo-rollouts utils/evaluate EvaluateResult decides it:
 * both conditions are evaluated; an error in either is Error; with only a successCondition, not
 * meeting it is Failed (and the reverse); with both, meeting neither is Inconclusive; failure wins.
 */
export function measurementPhase(
  conditions: { successCondition?: string; failureCondition?: string },
  result: ExprValue,
): { phase: AnalysisPhase; message?: string } {
  const { successCondition, failureCondition } = conditions;
  const judge = (condition: string | undefined, which: string): boolean | { phase: AnalysisPhase; message?: string } => {
    if (!condition) return false;
    const outcome = evaluateExpr(condition, result);
    if (outcome.kind === 'unsupported') return { phase: 'Error', message: `${which} ${outcome.message}` };
    if (outcome.kind === 'error') return { phase: 'Error', message: `${which}: ${outcome.message}` };
    if (typeof outcome.value !== 'boolean') return { phase: 'Error', message: `${which}: expected bool, but got ${typeof outcome.value}` };
    return outcome.value;
  };
  let success = judge(successCondition, 'successCondition');
  if (typeof success === 'object') return success;
  let failure = judge(failureCondition, 'failureCondition');
  if (typeof failure === 'object') return failure;
  if (!successCondition && !failureCondition) return { phase: 'Successful' };
  if (successCondition && !failureCondition) failure = !success;
  if (!successCondition && failureCondition) success = !failure;
  if (failure) return { phase: 'Failed' };
  return success ? { phase: 'Successful' } : { phase: 'Inconclusive' };
}
