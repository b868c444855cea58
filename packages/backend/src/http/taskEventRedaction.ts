import type { HttpResponse, Middleware } from './middleware';
import type { ServerDetailRedactor } from './serverDetailRedactor';

/**
 * Why these exist: Backstage's NunjucksWorkflowRunner logs a failed step as
 *     async function markFailed(step, err) { await task.emitLog(String(err.stack), { stepId: step.id, status: "failed" }); ... }
 * so every failed task's events carry a stack trace with this server's absolute paths,
 * and actions' own messages often name workspace paths under the data dir. These
 * middlewares clean the two routes that serve task events, at the HTTP layer, so no
 * action (Slipway's or Backstage's) can leak them. The stored events are unchanged, and
 * the full error is still in the server log (the scaffolder's audit event for the failed
 * task logs the error object).
 */

type JsonResponse = HttpResponse & { json?: (body: unknown) => unknown };

/**
 * `GET /api/scaffolder/v2/tasks/:taskId/events`: the router answers `res.json(events)`,
 * so the events are redacted as a value before Express serializes them (and before
 * compression, which works on the serialized bytes).
 */
export function redactTaskEventsJson(redactor: ServerDetailRedactor): Middleware {
  return (_req, res: JsonResponse, next) => {
    const json = res.json;
    if (typeof json === 'function') {
      res.json = function redactedJson(this: JsonResponse, body: unknown) {
        return json.call(this, redactor.json(body));
      };
    }
    next();
  };
}

type WriteCallback = (error?: Error | null) => void;

/**
 * `GET /api/scaffolder/v2/tasks/:taskId/eventstream` (server-sent events): the router
 * writes each event as ``res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)``.
 * res.write is wrapped to redact each `data:` line's JSON; a line split across writes is
 * held back until its end arrives.
 *
 * Compression is turned off for this response: compression() captures `res.write` when it
 * runs (after this middleware) and wraps it, so this wrapper would otherwise be handed gzip
 * bytes. It skips a request that accepts only identity ("negotiation failed: if (!method ||
 * method === 'identity') { nocompress('not acceptable') }", compression 1.8).
 */
export function redactTaskEventStream(redactor: ServerDetailRedactor): Middleware {
  const redactLine = (line: string): string => {
    if (!line.startsWith('data:')) return line;
    // SSE: "If value starts with a U+0020 SPACE character, remove it from value."
    const payload = line.slice(5).replace(/^ /, '');
    try {
      return `data: ${JSON.stringify(redactor.json(JSON.parse(payload)))}`;
    } catch {
      return `data: ${redactor.text(payload)}`;
    }
  };
  return (req, res, next) => {
    req.headers['accept-encoding'] = 'identity';
    const write = res.write.bind(res) as (chunk: string, callback?: WriteCallback) => boolean;
    const end = res.end.bind(res) as (chunk?: string, callback?: () => void) => HttpResponse;
    let pending = '';
    const take = (chunk: unknown, encoding: unknown, final: boolean): string => {
      const text =
        chunk === undefined || chunk === null || typeof chunk === 'function'
          ? ''
          : typeof chunk === 'string'
            ? chunk
            : Buffer.from(chunk as Uint8Array).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
      pending += text;
      const cut = final ? pending.length : pending.lastIndexOf('\n') + 1;
      const complete = pending.slice(0, cut);
      pending = pending.slice(cut);
      return complete.split('\n').map(redactLine).join('\n');
    };
    res.write = function redactedWrite(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
      const done = [encoding, callback].find((arg): arg is WriteCallback => typeof arg === 'function');
      return write(take(chunk, encoding, false), done);
    } as HttpResponse['write'];
    res.end = function redactedEnd(chunk?: unknown, encoding?: unknown, callback?: unknown): HttpResponse {
      const done = [chunk, encoding, callback].find((arg): arg is () => void => typeof arg === 'function');
      return end(take(chunk, encoding, true), done);
    } as HttpResponse['end'];
    next();
  };
}
