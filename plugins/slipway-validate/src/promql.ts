import { parser } from '@prometheus-io/lezer-promql';

/**
 * PromQL read with the official grammar (`@prometheus-io/lezer-promql`, the parser of
 * Prometheus's own web UI): syntax errors, the series each query selects with its label
 * matchers, the labels it groups by, and which labels survive to its result.
 *
 * lezer recovers from errors (it inserts error nodes instead of stopping) and its string token
 * accepts a missing closing quote, so both are reported here. On top of the grammar it checks
 * what Prometheus's parser refuses but the grammar allows: a range-vector function given an
 * instant vector (`rate(x)`), and a range vector where an instant vector belongs (`sum(x[5m])`).
 */

type Tree = ReturnType<typeof parser.parse>;
type SyntaxNode = Tree['topNode'];

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface PromQLMatcher {
  label: string;
  op: MatchOp;
  value: string;
}

export interface PromQLSelector {
  /** The metric name (`foo{}` or `{__name__="foo"}`); undefined when the selector names none. */
  metric: string | undefined;
  /** Label names the matchers use, `__name__` excluded (for callers that only need names). */
  labels: string[];
  matchers: PromQLMatcher[];
  /** Offsets of the selector in the query. */
  from: number;
  to: number;
}

export interface PromQLGrouping {
  clause: 'by' | 'without' | 'on' | 'ignoring' | 'group_left' | 'group_right';
  labels: string[];
  /** Every selector in the expression the clause applies to (the aggregation's body, the binary expression's sides). */
  selectors: PromQLSelector[];
  /** label_replace/label_join destination labels made inside that expression. */
  madeLabels: string[];
  from: number;
  to: number;
}

export interface PromQLError {
  from: number;
  to: number;
  /** 1-based line and column of `from`. */
  line: number;
  column: number;
  message: string;
}

export interface ParsedPromQL {
  query: string;
  errors: PromQLError[];
  selectors: PromQLSelector[];
  groupings: PromQLGrouping[];
  /** What the query returns (Argo Rollouts binds a vector or matrix as []float64, a scalar as float64). */
  resultType: 'scalar' | 'vector' | 'matrix' | 'string';
  /** True when `label` is on every series of the result. */
  keepsLabel(label: string): boolean;
}

/** Functions whose vector argument must be a range vector (`x[5m]` or a subquery). */
const RANGE_FUNCTIONS = new Set([
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'changes', 'resets', 'predict_linear',
  'holt_winters', 'double_exponential_smoothing', 'absent_over_time', 'present_over_time',
  'avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time', 'count_over_time',
  'quantile_over_time', 'stddev_over_time', 'stdvar_over_time', 'last_over_time', 'first_over_time',
  'mad_over_time', 'ts_of_max_over_time', 'ts_of_min_over_time', 'ts_of_last_over_time', 'ts_of_first_over_time',
]);
/** Aggregations whose result keeps the input's labels (they pick series, not combine them). */
const SELECTING_AGGREGATIONS = new Set(['topk', 'bottomk', 'limitk', 'limit_ratio']);
/** Functions whose result has no labels at all. */
const LABELLESS_FUNCTIONS = new Set(['vector', 'time', 'pi', 'scalar', 'start', 'end', 'range', 'step']);

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** The value of a PromQL string literal ("…" and '…' with escapes, `…` raw). */
export function unquotePromQLString(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, literal.endsWith(quote) && literal.length > 1 ? -1 : undefined);
  if (quote === '`') return body;
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };
  return body.replace(/\\(.)/g, (_, char: string) => escapes[char] ?? char);
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

function childOf(node: SyntaxNode, name: string): SyntaxNode | undefined {
  return children(node).find(child => child.name === name);
}

/** The expression node below a wrapper (ParenExpr, FunctionCallBody argument, …). */
function exprChildren(node: SyntaxNode): SyntaxNode[] {
  return children(node).filter(child => EXPR_NODES.has(child.name));
}

const EXPR_NODES = new Set([
  'AggregateExpr', 'BinaryExpr', 'FunctionCall', 'MatrixSelector', 'NumberDurationLiteral', 'OffsetExpr',
  'AnchoredExpr', 'SmoothedExpr', 'ParenExpr', 'StringLiteral', 'SubqueryExpr', 'UnaryExpr', 'VectorSelector', 'StepInvariantExpr',
]);

class Reader {
  readonly errors: PromQLError[] = [];
  readonly selectors: PromQLSelector[] = [];
  readonly groupings: PromQLGrouping[] = [];

  constructor(readonly query: string) {}

  text(node: SyntaxNode): string {
    return this.query.slice(node.from, node.to);
  }

  error(from: number, to: number, message: string): void {
    this.errors.push({ from, to, ...lineAndColumn(this.query, from), message });
  }

  functionName(call: SyntaxNode): string {
    const identifier = childOf(call, 'FunctionIdentifier');
    return identifier ? this.text(identifier) : '';
  }

  args(call: SyntaxNode): SyntaxNode[] {
    const body = childOf(call, 'FunctionCallBody');
    return body ? exprChildren(body) : [];
  }

  /** Whether an expression evaluates to a range vector. */
  isRange(node: SyntaxNode): boolean {
    if (node.name === 'MatrixSelector' || node.name === 'SubqueryExpr') return true;
    if (node.name === 'ParenExpr' || node.name === 'OffsetExpr' || node.name === 'StepInvariantExpr') {
      const [inner] = exprChildren(node);
      return inner ? this.isRange(inner) : false;
    }
    return false;
  }

  selector(node: SyntaxNode): PromQLSelector {
    const matchers: PromQLMatcher[] = [];
    let metric = childOf(node, 'Identifier') && this.text(childOf(node, 'Identifier')!);
    const block = childOf(node, 'LabelMatchers');
    for (const item of block ? children(block) : []) {
      if (item.name === 'QuotedLabelName') {
        metric = unquotePromQLString(this.text(item));
        continue;
      }
      if (item.name !== 'UnquotedLabelMatcher' && item.name !== 'QuotedLabelMatcher') continue;
      const nameNode = childOf(item, 'LabelName') ?? childOf(item, 'QuotedLabelName');
      const op = childOf(item, 'MatchOp');
      const value = childOf(item, 'StringLiteral');
      if (!nameNode || !op || !value) continue;
      const label = nameNode.name === 'QuotedLabelName' ? unquotePromQLString(this.text(nameNode)) : this.text(nameNode);
      const matcher = { label, op: this.text(op) as MatchOp, value: unquotePromQLString(this.text(value)) };
      if (label === '__name__' && matcher.op === '=') metric = matcher.value;
      matchers.push(matcher);
    }
    return {
      metric: metric || undefined,
      labels: matchers.map(matcher => matcher.label).filter(label => label !== '__name__'),
      matchers,
      from: node.from,
      to: node.to,
    };
  }

  groupingLabels(node: SyntaxNode | undefined): string[] {
    if (!node) return [];
    return children(node)
      .filter(child => child.name === 'LabelName' || child.name === 'QuotedLabelName')
      .map(child => (child.name === 'QuotedLabelName' ? unquotePromQLString(this.text(child)) : this.text(child)));
  }

  /** Selectors and label_replace/label_join destinations inside a node. */
  inside(node: SyntaxNode): { selectors: PromQLSelector[]; madeLabels: string[] } {
    const selectors: PromQLSelector[] = [];
    const madeLabels: string[] = [];
    const cursor = node.cursor();
    do {
      if (cursor.from >= node.to) break;
      if (cursor.name === 'VectorSelector') selectors.push(this.selector(cursor.node));
      if (cursor.name === 'FunctionCall') {
        const name = this.functionName(cursor.node);
        const destination = this.args(cursor.node)[1];
        if ((name === 'label_replace' || name === 'label_join') && destination?.name === 'StringLiteral') {
          madeLabels.push(unquotePromQLString(this.text(destination)));
        }
      }
    } while (cursor.next() && cursor.from < node.to);
    return { selectors, madeLabels };
  }

  /** Walks the whole tree once: errors, selectors, groupings, range-vector misuse. */
  walk(tree: Tree): void {
    const cursor = tree.cursor();
    do {
      const node = cursor.node;
      if (node.type.isError) {
        const near = this.query.slice(node.from, node.from + 20).trim();
        this.error(node.from, Math.max(node.to, node.from + 1), near ? `unexpected ${JSON.stringify(near)}` : 'unexpected end of the expression');
        continue;
      }
      switch (node.name) {
        case 'StringLiteral': {
          const literal = this.text(node);
          if (literal.length < 2 || !literal.endsWith(literal[0])) this.error(node.from, node.to, `the string ${literal} is never closed`);
          break;
        }
        case 'VectorSelector':
          this.selectors.push(this.selector(node));
          break;
        case 'FunctionCall': {
          const name = this.functionName(node);
          const args = this.args(node);
          if (RANGE_FUNCTIONS.has(name)) {
            const vector = name === 'quantile_over_time' || name === 'predict_linear' ? args[name === 'quantile_over_time' ? 1 : 0] : args[0];
            if (vector && !this.isRange(vector)) {
              this.error(vector.from, vector.to, `${name}() needs a range vector such as ${this.text(vector)}[5m], got an instant vector`);
            }
          } else if (name !== 'absent_over_time') {
            for (const arg of args) {
              if (arg.name === 'MatrixSelector') this.error(arg.from, arg.to, `${name}() takes an instant vector; ${this.text(arg)} is a range vector (wrap it in rate() or an _over_time() function)`);
            }
          }
          break;
        }
        case 'AggregateExpr': {
          const modifier = childOf(node, 'AggregateModifier');
          const body = childOf(node, 'FunctionCallBody');
          const args = body ? exprChildren(body) : [];
          const operand = args[args.length - 1];
          if (operand && this.isRange(operand)) this.error(operand.from, operand.to, `an aggregation takes an instant vector; ${this.text(operand)} is a range vector`);
          if (modifier && body) {
            const clause = childOf(modifier, 'By') ? 'by' : 'without';
            this.groupings.push({ clause, labels: this.groupingLabels(childOf(modifier, 'GroupingLabels')), ...this.inside(body), from: modifier.from, to: modifier.to });
          }
          break;
        }
        case 'BinaryExpr': {
          const matching = childOf(node, 'MatchingModifierClause');
          if (!matching) break;
          const labelLists = children(matching).filter(child => child.name === 'GroupingLabels');
          const clause = childOf(matching, 'On') ? 'on' : 'ignoring';
          const scope = this.inside(node);
          this.groupings.push({ clause, labels: this.groupingLabels(labelLists[0]), ...scope, from: matching.from, to: matching.to });
          const group = childOf(matching, 'GroupLeft') ? 'group_left' : childOf(matching, 'GroupRight') ? 'group_right' : undefined;
          if (group && labelLists[1]) this.groupings.push({ clause: group, labels: this.groupingLabels(labelLists[1]), ...scope, from: matching.from, to: matching.to });
          break;
        }
        default:
          break;
      }
    } while (cursor.next());
  }

  /** Whether `label` survives to every series of the expression's result. */
  keeps(node: SyntaxNode | undefined, label: string): boolean {
    if (!node) return false;
    switch (node.name) {
      case 'PromQL':
        return this.keeps(exprChildren(node)[0], label);
      case 'VectorSelector':
      case 'MatrixSelector':
      case 'SubqueryExpr':
      case 'OffsetExpr':
      case 'StepInvariantExpr':
      case 'AnchoredExpr':
      case 'SmoothedExpr':
        return node.name === 'VectorSelector' || this.keeps(exprChildren(node)[0], label);
      case 'ParenExpr':
      case 'UnaryExpr':
        return this.keeps(exprChildren(node)[0], label);
      case 'NumberDurationLiteral':
      case 'StringLiteral':
        return false;
      case 'AggregateExpr': {
        const op = this.text(childOf(node, 'AggregateOp') ?? node).trim().toLowerCase();
        const modifier = childOf(node, 'AggregateModifier');
        const body = childOf(node, 'FunctionCallBody');
        const args = body ? exprChildren(body) : [];
        const operand = args[args.length - 1];
        if (SELECTING_AGGREGATIONS.has(op)) return this.keeps(operand, label);
        if (op === 'count_values' && args[0]?.name === 'StringLiteral' && unquotePromQLString(this.text(args[0])) === label) return true;
        if (!modifier) return false;
        const labels = this.groupingLabels(childOf(modifier, 'GroupingLabels'));
        return childOf(modifier, 'By') ? labels.includes(label) : !labels.includes(label) && this.keeps(operand, label);
      }
      case 'FunctionCall': {
        const name = this.functionName(node);
        const args = this.args(node);
        if (LABELLESS_FUNCTIONS.has(name)) return false;
        if (name === 'absent' || name === 'absent_over_time') {
          const selectorNode = args[0] && (args[0].name === 'MatrixSelector' ? exprChildren(args[0])[0] : args[0]);
          if (selectorNode?.name !== 'VectorSelector') return false;
          return this.selector(selectorNode).matchers.some(matcher => matcher.label === label && matcher.op === '=');
        }
        if (name === 'label_replace' || name === 'label_join') {
          const destination = args[1];
          if (destination?.name === 'StringLiteral' && unquotePromQLString(this.text(destination)) === label) return true;
          return this.keeps(args[0], label);
        }
        const vector = name === 'histogram_quantile' || name === 'quantile_over_time' || name === 'histogram_fraction' ? args[args.length - 1] : args.find(arg => arg.name !== 'NumberDurationLiteral' && arg.name !== 'StringLiteral');
        return this.keeps(vector, label);
      }
      case 'BinaryExpr': {
        const [lhs, rhs] = exprChildren(node);
        const operator = children(node).find(child => !EXPR_NODES.has(child.name) && child.name !== 'MatchingModifierClause' && child.name !== 'BoolModifier')?.name;
        const scalar = (side: SyntaxNode | undefined) => !side || isScalarExpr(this, side);
        if (scalar(lhs)) return this.keeps(rhs, label);
        if (scalar(rhs)) return this.keeps(lhs, label);
        if (operator === 'And' || operator === 'Unless') return this.keeps(lhs, label);
        if (operator === 'Or') return this.keeps(lhs, label) && this.keeps(rhs, label);
        const matching = childOf(node, 'MatchingModifierClause');
        if (!matching) return this.keeps(lhs, label);
        const lists = children(matching).filter(child => child.name === 'GroupingLabels');
        const matchLabels = this.groupingLabels(lists[0]);
        const included = this.groupingLabels(lists[1]);
        if (childOf(matching, 'GroupLeft')) return included.includes(label) || this.keeps(lhs, label);
        if (childOf(matching, 'GroupRight')) return included.includes(label) || this.keeps(rhs, label);
        return childOf(matching, 'On') ? matchLabels.includes(label) && this.keeps(lhs, label) : !matchLabels.includes(label) && this.keeps(lhs, label);
      }
      default:
        return false;
    }
  }
}

/** Number literals, scalar() and arithmetic of them: expressions with no labels to match. */
function isScalarExpr(reader: Reader, node: SyntaxNode): boolean {
  switch (node.name) {
    case 'NumberDurationLiteral':
      return true;
    case 'ParenExpr':
    case 'UnaryExpr':
      return exprChildren(node).every(child => isScalarExpr(reader, child));
    case 'BinaryExpr':
      return exprChildren(node).every(child => isScalarExpr(reader, child));
    case 'FunctionCall': {
      const name = reader.functionName(node);
      return name === 'scalar' || name === 'time' || name === 'pi';
    }
    default:
      return false;
  }
}

const parsed = new Map<string, ParsedPromQL>();
/** Several repos' worth of queries (a node-service repo has about thirty). */
const PARSED_LIMIT = 128;

/**
 * The query with each string literal's content replaced by as many `x`, or undefined when that
 * could change how it tokenizes (a `#` comment, an escape, a raw string, a literal left open or
 * broken over lines). A string literal is one token whatever it holds, so queries of one shape
 * parse to the same tree, node for node at the same offsets: every service's queries differ
 * only in label values such as `service="orders"`.
 */
export function promqlShape(query: string): string | undefined {
  if (/[#\\`]/.test(query)) return undefined;
  let shape = '';
  let copied = 0;
  for (let index = 0; index < query.length; index++) {
    const quote = query[index];
    if (quote !== '"' && quote !== "'") continue;
    const close = query.indexOf(quote, index + 1);
    if (close === -1 || query.slice(index + 1, close).includes('\n')) return undefined;
    shape += `${query.slice(copied, index + 1)}${'x'.repeat(close - index - 1)}`;
    copied = close;
    index = close;
  }
  return shape + query.slice(copied);
}

const treesByShape = new Map<string, Tree>();

/** The grammar's tree of a query, shared by every query of its shape (see promqlShape). */
export function promqlTree(query: string): Tree {
  const shape = promqlShape(query);
  const known = shape === undefined ? undefined : treesByShape.get(shape);
  if (known) return known;
  const tree = parser.parse(query);
  if (shape !== undefined) {
    if (treesByShape.size > 2000) treesByShape.clear();
    treesByShape.set(shape, tree);
  }
  return tree;
}

/** Parses a query with the official grammar. Results are cached: the same query text recurs across environments. */
export function parsePromQL(query: string): ParsedPromQL {
  const cached = parsed.get(query);
  if (cached) return cached;
  const reader = new Reader(query);
  const tree = promqlTree(query);
  if (query.trim() === '') reader.error(0, 0, 'the expression is empty');
  else reader.walk(tree);
  const top = exprChildren(tree.topNode)[0];
  const resultType: ParsedPromQL['resultType'] = !top
    ? 'vector'
    : reader.isRange(top)
      ? 'matrix'
      : top.name === 'StringLiteral'
        ? 'string'
        : isScalarExpr(reader, top)
          ? 'scalar'
          : 'vector';
  const result: ParsedPromQL = {
    query,
    resultType,
    errors: reader.errors,
    selectors: reader.selectors,
    groupings: reader.groupings,
    keepsLabel: label => reader.errors.length === 0 && reader.keeps(tree.topNode, label),
  };
  // Queries name their service (`service="orders"`), so across repos they rarely recur: the cache is
  // for one repo's validation (the same query per environment, read by several checks), and a small
  // bound keeps a long-running backend from holding thousands of parses (with their trees) at once.
  if (parsed.size >= PARSED_LIMIT) parsed.delete(parsed.keys().next().value as string);
  parsed.set(query, result);
  return result;
}

/** Metric selectors in a query, in order, with the label names their matchers use. */
export function promqlSelectors(query: string): PromQLSelector[] {
  return parsePromQL(query).selectors;
}

/** Distinct metric names a query selects. */
export function promqlMetricNames(query: string): string[] {
  return [...new Set(promqlSelectors(query).flatMap(selector => (selector.metric ? [selector.metric] : [])))];
}
