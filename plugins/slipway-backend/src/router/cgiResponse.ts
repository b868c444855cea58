import { Transform, TransformCallback } from 'stream';

/** The CGI response head: `Status:` mapped to a status code, every other line a header. */
export interface CgiHead {
  status: number;
  headers: Array<[string, string]>;
}

/** A CGI script's header block is small; anything larger is a broken script, not a response. */
const MAX_HEAD_BYTES = 64 * 1024;

export function parseCgiHead(text: string): CgiHead {
  let status = 200;
  const headers: Array<[string, string]> = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`malformed CGI header line: ${JSON.stringify(line.slice(0, 100))}`);
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') {
      const code = Number.parseInt(value, 10);
      if (!(code >= 100 && code <= 599)) throw new Error(`malformed CGI status: ${JSON.stringify(value)}`);
      status = code;
    } else {
      headers.push([name, value]);
    }
  }
  return { status, headers };
}

/** Where the blank line ending the head is, for either line ending a CGI script may use. */
function findHeadEnd(buffer: Buffer): { index: number; length: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf === -1 && lf === -1) return undefined;
  if (lf === -1 || (crlf !== -1 && crlf < lf)) return { index: crlf, length: 4 };
  return { index: lf, length: 2 };
}

/**
 * Turns a CGI script's stdout into an HTTP body: buffers until the head is complete,
 * hands it to `onHead` (synchronously, before any body byte is pushed, so the caller can
 * still set status and headers), then passes the rest through untouched.
 */
export class CgiResponseParser extends Transform {
  private pending: Buffer | undefined = Buffer.alloc(0);

  constructor(private readonly onHead: (head: CgiHead) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.pending) return callback(null, chunk);
    const buffer = Buffer.concat([this.pending, chunk]);
    const end = findHeadEnd(buffer);
    if (!end) {
      if (buffer.length > MAX_HEAD_BYTES) return callback(new Error('CGI response head too large'));
      this.pending = buffer;
      return callback();
    }
    this.pending = undefined;
    try {
      this.onHead(parseCgiHead(buffer.subarray(0, end.index).toString('latin1')));
    } catch (error) {
      return callback(error as Error);
    }
    const body = buffer.subarray(end.index + end.length);
    callback(null, body.length ? body : undefined);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.pending ? new Error('the CGI script ended without a complete response head') : null);
  }
}
