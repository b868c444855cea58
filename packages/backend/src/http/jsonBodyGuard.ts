import { parseBoundedJson } from './boundedJson';
import { sendError } from './errorResponse';
import { findJsonRuleViolation } from './jsonValueRules';
import type { HttpRequest, Middleware } from './middleware';

export interface JsonBodyLimits {
  /** Largest body accepted, in bytes, as received (no content coding is accepted). */
  maxBytes: number;
  /** Deepest nesting of objects and arrays accepted (see parseBoundedJson). */
  maxDepth: number;
}

/**
 * Reads, bounds and checks a JSON request body before the route's own body parser sees it,
 * and hands the result on as `req.body`. Refusals, in Backstage's error shape:
 *  - 413 when the body is larger than `maxBytes` (from Content-Length before reading, or
 *    while reading a chunked body);
 *  - 415 for a content coding (gzip, ...) or a charset other than UTF-8;
 *  - 400 for invalid UTF-8 or JSON, nesting deeper than `maxDepth`, a `__proto__`,
 *    `constructor` or `prototype` key, or a control character, each naming the JSON path.
 *
 * The route's parser (Backstage's scaffolder router uses `express.json({ limit: '10MB' })`)
 * then leaves the body alone, because body-parser 1.x starts with:
 *     if (req._body) { debug('body already parsed'); next(); return }
 * (node_modules/body-parser/lib/types/json.js), and its own read() sets `req._body = true`
 * too (lib/read.js), so setting it here is the flag's intended use.
 *
 * Bodies that are not JSON pass untouched: body-parser's json() skips them as well
 * (`if (!shouldParse(req)) { debug('skip parsing'); next(); return }`), so the route
 * never reads them.
 */
export function createJsonBodyGuard(limits: JsonBodyLimits): Middleware {
  return (req, res, next) => {
    if (req._body || !hasBody(req) || !isJson(req.headers['content-type'])) {
      next();
      return;
    }
    // The rest of a refused body is still read and dropped (below; Node itself dumps a
    // request nobody read once the response ends), as after body-parser's own 413, so the
    // client gets to read the answer instead of a reset connection.
    const refuse = (statusCode: number, name: string, message: string) => sendError(req, res, statusCode, name, message);
    const tooLarge = () =>
      refuse(413, 'PayloadTooLargeError', `request body too large: the limit for ${req.method} ${routeOf(req)} is ${formatBytes(limits.maxBytes)}`);

    const coding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (coding !== 'identity') {
      refuse(415, 'UnsupportedMediaTypeError', `request bodies must not be content-encoded (got Content-Encoding: ${coding})`);
      return;
    }
    const charset = charsetOf(req.headers['content-type']);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      refuse(415, 'UnsupportedMediaTypeError', `JSON bodies must be UTF-8 (got charset ${charset})`);
      return;
    }
    const declaredLength = Number(req.headers['content-length']);
    if (Number.isFinite(declaredLength) && declaredLength > limits.maxBytes) {
      tooLarge();
      return;
    }

    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    // After a refusal mid-body, the rest is read and dropped.
    const drop = () => undefined;
    const finish = (action: () => void) => {
      if (done) return;
      done = true;
      req.removeListener('data', onData);
      req.on('data', drop);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      action();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.maxBytes) finish(tooLarge);
      else chunks.push(chunk);
    };
    const onError = (error: Error) => finish(() => next(error));
    const onEnd = () =>
      finish(() => {
        let text: string;
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
        } catch {
          refuse(400, 'InputError', 'the request body is not valid UTF-8');
          return;
        }
        // body-parser's special case: "empty json body, as it's a common client-side mistake" gives {}.
        const parsed = text.trim() === '' ? { ok: true as const, value: {} } : parseBoundedJson(text, limits.maxDepth);
        if (!parsed.ok) {
          refuse(400, 'InputError', `${parsed.path}: ${parsed.rule}`);
          return;
        }
        // body-parser's strict mode (the default) takes only objects and arrays at the top.
        if (parsed.value === null || typeof parsed.value !== 'object') {
          refuse(400, 'InputError', '(body): the body must be a JSON object or array');
          return;
        }
        const violation = findJsonRuleViolation(parsed.value);
        if (violation) {
          refuse(400, 'InputError', `${violation.path}: ${violation.rule}`);
          return;
        }
        req.body = parsed.value;
        req._body = true;
        next();
      });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  };
}

/** type-is's hasBody(), which body-parser asks: "A request with a body __must__ either have `transfer-encoding` or `content-length` headers set." */
function hasBody(req: HttpRequest): boolean {
  return req.headers['transfer-encoding'] !== undefined || !Number.isNaN(parseInt(req.headers['content-length'] ?? '', 10));
}

/** application/json and the `+json` suffix types (RFC 6839): a superset of what express.json() parses. */
function isJson(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return mediaType === 'application/json' || /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+\+json$/.test(mediaType);
}

function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1].toLowerCase();
}

function routeOf(req: HttpRequest): string {
  return (req.originalUrl ?? req.url ?? '/').split('?')[0];
}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
