/*
 * A reading of nginx configuration just deep enough for the validator: its statements (split at
 * `;`, `{` and `}` outside quotes, without comments), the variables `set` gives values to, the
 * upstream blocks it declares, and the addresses proxy_pass and grpc_pass send requests to, with
 * variables expanded to every value the file sets them to. nginx's own grammar
 * (src/core/ngx_conf_file.c ngx_conf_read_token): directives end at `;`, blocks open at `{`,
 * `#` starts a comment outside quotes.
 */

const PASS_DIRECTIVE = /^(proxy_pass|grpc_pass)\s+(.+)$/s;
const SET_DIRECTIVE = /^set\s+\$([A-Za-z_][A-Za-z0-9_]*)\s+("([^"]*)"|'([^']*)'|(\S+))$/s;
const UPSTREAM_BLOCK = /^upstream\s+(\S+)$/;
const VARIABLE = /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/;
/** Enough for every combination a real config sets; more is not worth expanding. */
const MAX_EXPANSIONS = 32;

/** One directive (or block opening) of an nginx file, without comments, with the line it starts on. */
export interface Statement {
  line: number;
  text: string;
}

/** The file's statements: split at `;`, `{` and `}` outside quotes, `#` comments left out. */
export function statementsOf(text: string): Statement[] {
  const out: Statement[] = [];
  let current = '';
  let start = 0;
  let line = 1;
  let quote: string | undefined;
  let comment = false;
  const flush = () => {
    const trimmed = current.trim();
    if (trimmed) out.push({ line: start, text: trimmed });
    current = '';
    start = 0;
  };
  for (const char of text) {
    if (char === '\n') {
      line++;
      comment = false;
      if (!quote) {
        current += ' ';
        continue;
      }
    }
    if (comment) continue;
    if (quote) {
      current += char;
      if (char === quote) quote = undefined;
      continue;
    }
    if (char === '#') {
      comment = true;
      continue;
    }
    if (char === ';' || char === '{' || char === '}') {
      flush();
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    if (!start && !/\s/.test(char)) start = line;
    current += char;
  }
  flush();
  return out;
}

/** Host of an nginx address (`http://host:port/path`, `host:port`, `grpc://host`), or undefined for a unix socket. */
export function addressHost(address: string): string | undefined {
  const withoutScheme = address.trim().replace(/^["']|["']$/g, '').replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  if (withoutScheme.startsWith('unix:')) return undefined;
  if (withoutScheme.startsWith('[')) return withoutScheme.slice(1, Math.max(1, withoutScheme.indexOf(']')));
  return withoutScheme.split(/[/:?]/)[0];
}

/** The address with its variables replaced by every value the file sets them to; one left unset (from the request, a map) stops the expansion. */
export function expansions(address: string, values: ReadonlyMap<string, readonly string[]>): string[] {
  let pending = [address];
  const done: string[] = [];
  while (pending.length > 0 && done.length + pending.length <= MAX_EXPANSIONS) {
    const next: string[] = [];
    for (const candidate of pending) {
      const variable = VARIABLE.exec(candidate);
      if (!variable) done.push(candidate);
      else for (const value of values.get(variable[1]) ?? []) next.push(candidate.replace(variable[0], value));
    }
    pending = next;
  }
  return done;
}

/** Where one proxy_pass or grpc_pass sends requests: the directive, its address as written, and each host:port it expands to. */
export interface ProxiedAddress {
  directive: string;
  address: string;
  line: number;
  /** True when the address holds a variable: nginx resolves it per request through `resolver`. */
  runtime: boolean;
  targets: Array<{ host: string; port: number | undefined }>;
}

/** Port of an nginx address, or undefined (the scheme's default). */
function addressPort(address: string): number | undefined {
  const withoutScheme = address.trim().replace(/^["']|["']$/g, '').replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const authority = withoutScheme.split(/[/?]/)[0];
  const match = /:(\d+)$/.exec(authority);
  return match ? Number(match[1]) : undefined;
}

/** Every proxy_pass and grpc_pass of a file, with its targets; names of upstream blocks are left out of the targets. */
export function proxiedAddresses(text: string): ProxiedAddress[] {
  const statements = statementsOf(text);
  const values = new Map<string, string[]>();
  const upstreams = new Set<string>();
  for (const { text: statement } of statements) {
    const set = SET_DIRECTIVE.exec(statement);
    if (set) values.set(set[1], [...(values.get(set[1]) ?? []), set[3] ?? set[4] ?? set[5] ?? '']);
    const upstream = UPSTREAM_BLOCK.exec(statement);
    if (upstream) upstreams.add(upstream[1]);
  }
  const out: ProxiedAddress[] = [];
  for (const { line, text: statement } of statements) {
    const pass = PASS_DIRECTIVE.exec(statement);
    if (!pass) continue;
    const address = pass[2].trim();
    const runtime = VARIABLE.test(address);
    const expanded = runtime ? expansions(address, values) : [address];
    const targets = new Map<string, { host: string; port: number | undefined }>();
    for (const candidate of expanded) {
      const host = addressHost(candidate);
      if (host === undefined || upstreams.has(host)) continue;
      const target = { host, port: addressPort(candidate) };
      targets.set(`${target.host}:${target.port}`, target);
    }
    out.push({ directive: pass[1], address, line, runtime, targets: [...targets.values()] });
  }
  return out;
}
