/**
 * Talking to the backend behind this frontend's nginx: the page and the API share one
 * origin (nginx proxies the API's path prefix), so there is no CORS and the
 * Content-Security-Policy's connect-src 'self' allows the call.
 *
 * Plain functions with no DOM access, so `node --test` covers them (api.test.js).
 */

/** How long the page waits for the backend before saying it did not answer. */
export const DEFAULT_TIMEOUT_MS = 5000;
/** The longest text of an answer the page shows. */
export const MAX_ANSWER_CHARS = 500;

/**
 * The URL the page asks, from the `api-base` meta tag (package.json `config.apiBase`):
 * `/api` → `/api/`. Undefined when no backend is routed to this frontend.
 */
export function apiUrl(base) {
  if (typeof base !== 'string' || base.trim() === '') return undefined;
  const trimmed = base.trim();
  if (!trimmed.startsWith('/')) throw new Error(`api base must be a path starting with "/", got ${JSON.stringify(base)}`);
  return trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

/**
 * GETs `url` and never rejects: `{ ok: true, status, body }` (body parsed when the answer is
 * JSON), or `{ ok: false, status, message }` for an HTTP error, a network error or a timeout.
 */
export async function fetchApiAnswer(url, { timeoutMs = DEFAULT_TIMEOUT_MS, fetchImpl = globalThis.fetch } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchImpl(url, { headers: { accept: 'application/json' }, signal: controller.signal });
    if (!response.ok) {
      return { ok: false, status: response.status, message: `${response.status} ${response.statusText}`.trim() };
    }
    const type = response.headers.get('content-type') ?? '';
    const body = /\bjson\b/i.test(type) ? await response.json() : await response.text();
    return { ok: true, status: response.status, body };
  } catch (error) {
    const message = controller.signal.aborted ? `no answer within ${timeoutMs} ms` : String(error?.message ?? error);
    return { ok: false, status: 0, message };
  } finally {
    clearTimeout(timer);
  }
}

/** One line of text for people; the page puts it in `textContent`, never in HTML. */
export function describeAnswer(result) {
  if (!result.ok) return `The backend did not answer: ${result.message}`;
  const { body } = result;
  let text;
  if (body && typeof body === 'object' && typeof body.name === 'string') {
    text = typeof body.description === 'string' && body.description ? `${body.name}: ${body.description}` : body.name;
  } else if (typeof body === 'string') {
    text = body.trim() || '(an empty answer)';
  } else {
    text = JSON.stringify(body);
  }
  return text.length > MAX_ANSWER_CHARS ? `${text.slice(0, MAX_ANSWER_CHARS - 1)}…` : text;
}
