import { PassThrough } from 'stream';
import { CgiHead, CgiResponseParser, parseCgiHead } from './cgiResponse';

async function run(chunks: Array<string | Buffer>): Promise<{ head?: CgiHead; body: Buffer }> {
  let head: CgiHead | undefined;
  const parser = new CgiResponseParser(parsed => {
    head = parsed;
  });
  const sink = new PassThrough();
  const body: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => body.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    parser.on('error', reject);
    sink.on('end', resolve);
  });
  parser.pipe(sink);
  for (const chunk of chunks) parser.write(chunk);
  parser.end();
  await done;
  return { head, body: Buffer.concat(body) };
}

describe('CGI responses', () => {
  it('parses Status and headers, and passes the body through byte for byte', async () => {
    const result = await run(['Status: 404 Not Found\r\nContent-Type: text/plain\r\n', '\r\nno\0such', ' repo']);
    expect(result.head).toEqual({ status: 404, headers: [['Content-Type', 'text/plain']] });
    expect(result.body.toString('latin1')).toBe('no\0such repo');
  });

  it('defaults to 200 and accepts bare LF line ends, even when the head is split in odd places', async () => {
    const result = await run(['Expires: Fri, 01 Jan 1980 00:00:00 GMT\nContent-Type: application/x-git-upload-pack-advertisement\n', '\n', '001e# service=git-upload-pack\n']);
    expect(result.head?.status).toBe(200);
    expect(result.head?.headers).toContainEqual(['Content-Type', 'application/x-git-upload-pack-advertisement']);
    expect(result.body.toString()).toBe('001e# service=git-upload-pack\n');
  });

  it('fails on a missing or malformed head', async () => {
    await expect(run(['Content-Type: text/plain\r\n'])).rejects.toThrow(/without a complete response head/);
    await expect(run(['no colon here\r\n\r\nbody'])).rejects.toThrow(/malformed CGI header line/);
    expect(() => parseCgiHead('Status: abc')).toThrow(/malformed CGI status/);
  });
});
