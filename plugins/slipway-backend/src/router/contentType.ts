const TEXT = 'text/plain; charset=utf-8';

/**
 * The content type a raw file is served with. Like other raw-file hosts, text is always
 * text/plain (YAML, code, and also HTML, which must never render as a page from this
 * origin); only JSON keeps its own type; anything with a NUL byte is binary.
 */
export function rawContentType(filePath: string, content: Buffer): string {
  if (content.subarray(0, 8000).includes(0)) return 'application/octet-stream';
  if (/\.json$/i.test(filePath)) return 'application/json; charset=utf-8';
  return TEXT;
}
