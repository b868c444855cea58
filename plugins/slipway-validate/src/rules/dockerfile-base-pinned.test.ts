import { validateRenderedFiles } from '../pipeline';
import { dockerfileBasePinned } from './dockerfile-base-pinned';
import { problemsOf, renderCi } from './__fixtures__/ciRepo';
import { editFile } from './__fixtures__/renderedRepo';

const ID = 'dockerfile-base-pinned';
const DIGEST = `sha256:${'a'.repeat(64)}`;

describe(ID, () => {
  it.each(['minimal', 'postgres'] as const)('passes the generated %s variant', async example => {
    expect(problemsOf(dockerfileBasePinned, await renderCi(example))).toEqual([]);
  });

  it('reports an untagged and a latest base image, with their lines', async () => {
    let files = editFile(await renderCi(), 'Dockerfile', 'FROM node:22-bookworm-slim AS build', 'FROM node AS build');
    files = editFile(files, 'Dockerfile', 'FROM gcr.io/distroless/nodejs22-debian12:nonroot', 'FROM gcr.io/distroless/nodejs22-debian12:latest');
    expect(problemsOf(dockerfileBasePinned, files)).toEqual([
      expect.objectContaining({ rule: ID, file: 'Dockerfile', line: 8, message: expect.stringContaining('FROM node: has no tag') }),
      expect.objectContaining({ line: 19, message: expect.stringContaining('is :latest') }),
    ]);
  });

  it('accepts digests (with or without a tag), stage references and scratch', () => {
    const text = `FROM node@${DIGEST} AS a\nFROM a AS b\nFROM scratch\nFROM gcr.io/x/y:latest@${DIGEST}\n`;
    expect(problemsOf(dockerfileBasePinned, { 'build/Dockerfile.release': text })).toEqual([]);
  });

  it('says in a notice, not a problem, that tag-pinned base images are not digests, and stops once they are', async () => {
    const core = { kustomize: 'skip' as const, policyChecks: [], referenceChecks: [], checkUnits: [], actionlint: false };
    const files = await renderCi({ ci: { baseImages: { build: `node:22-bookworm-slim@${DIGEST}`, runtime: `gcr.io/distroless/nodejs22-debian12:nonroot@${DIGEST}` } } });
    const asRendered = (map: Map<string, string>) => [...map].map(([path, content]) => ({ path, content, executable: false }));
    const tagged = await validateRenderedFiles(asRendered(await renderCi()), core);
    expect(tagged.notices).toContainEqual(expect.stringContaining('Dockerfile: base images node:22-bookworm-slim, gcr.io/distroless/nodejs22-debian12:nonroot are pinned by tag, not by digest'));
    const pinned = await validateRenderedFiles(asRendered(files), core);
    expect(pinned.notices.filter(notice => notice.includes('pinned by tag'))).toEqual([]);
  });

  it('never throws on odd Dockerfiles', () => {
    for (const text of ['FROM\n', 'FROM $BASE\n', 'ARG =\nFROM :\n']) expect(() => problemsOf(dockerfileBasePinned, { Dockerfile: text })).not.toThrow();
  });
});
