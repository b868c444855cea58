import { imageNodeVersion } from './image-node-version';
import { problemsOf, renderCi, WORKFLOW } from './__fixtures__/ciRepo';
import { editFile, renderGoldenPathExample } from './__fixtures__/renderedRepo';

const ID = 'image-node-version';
const dockerfile = (text: string) => ({ Dockerfile: text });

describe(ID, () => {
  it.each([['minimal'], ['postgres'], [{ ci: { nodeVersion: '24' } }], [{ ci: { nodeVersion: '20.19.0' } }]] as const)('passes the generated repo (%j): both stages and setup-node on one major', async example => {
    expect(problemsOf(imageNodeVersion, await renderCi(example))).toEqual([]);
  });

  it('reports defect 13: a build stage on another Node major than the runtime', async () => {
    const files = editFile(await renderCi(), 'Dockerfile', 'FROM node:22-bookworm-slim AS build', 'FROM node:20-bookworm-slim AS build');
    expect(problemsOf(imageNodeVersion, files)).toEqual([
      expect.objectContaining({ rule: ID, file: 'Dockerfile', line: 8, message: expect.stringContaining('builds on Node 20, but the runtime stage runs Node 22 (gcr.io/distroless/nodejs22-debian12:nonroot)') }),
    ]);
  });

  it('reports CI testing on another major than the image runs', async () => {
    const files = editFile(await renderCi(), WORKFLOW, 'node-version: "22"', 'node-version: "24"');
    expect(problemsOf(imageNodeVersion, files).map(problem => problem.message)).toEqual([expect.stringContaining('jobs.test.steps[1].with.node-version: tests on Node 24, but the image (Dockerfile) runs Node 22: test on the Node major')]);
  });

  it('follows ARG defaults and stage chains, and only the stages the runtime copies from', () => {
    const text = 'ARG NODE=20\nFROM node:${NODE}-alpine AS deps\nFROM deps AS build\nRUN npm ci\nFROM node:22 AS docs\nFROM registry.access.redhat.com/ubi9/nodejs-20-minimal\nCOPY --from=build /app /app\n';
    expect(problemsOf(imageNodeVersion, dockerfile(text))).toEqual([]);
    expect(problemsOf(imageNodeVersion, dockerfile(text.replace('ARG NODE=20', 'ARG NODE=18')))[0].message).toContain('builds on Node 18, but the runtime stage runs Node 20');
  });

  it('with a runtime without Node (nginx serving a static build), holds CI to the build stage\'s major', async () => {
    const files = await renderGoldenPathExample('static-frontend', 'minimal');
    expect(problemsOf(imageNodeVersion, files)).toEqual([]);
    const other = editFile(files, 'Dockerfile', 'FROM node:22-bookworm-slim AS build', 'FROM node:20-bookworm-slim AS build');
    expect(problemsOf(imageNodeVersion, other).map(problem => problem.message)).toEqual([
      expect.stringContaining("jobs.test.steps[1].with.node-version: tests on Node 22, but the image's build stages (Dockerfile; its runtime has no Node) run Node 20"),
    ]);
  });

  it('says nothing when a major cannot be read (node:lts, a digest only, a non-Node runtime)', () => {
    expect(problemsOf(imageNodeVersion, dockerfile('FROM node:lts AS b\nFROM gcr.io/distroless/nodejs22-debian12\nCOPY --from=b /a /a\n'))).toEqual([]);
    expect(problemsOf(imageNodeVersion, dockerfile('FROM node:20 AS b\nFROM scratch\nCOPY --from=b /a /a\n'))).toEqual([]);
  });

  it('never throws on odd Dockerfiles', () => {
    for (const text of ['', 'FROM\n', 'COPY --from=x a b\nFROM a AS\n', 'FROM a \\\n']) expect(() => problemsOf(imageNodeVersion, dockerfile(text))).not.toThrow();
  });
});
