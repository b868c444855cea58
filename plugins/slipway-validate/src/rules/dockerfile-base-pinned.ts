import type { ValidationProblem } from '../types';
import { dockerfilesOf, isRegistryImage } from '../workflows/dockerfile';
import { defineCheck } from './types';

/**
 * Every base image names a version: `FROM node` is `node:latest`, which changes under the
 * build whenever upstream pushes. A tag still moves when its image is re-pushed (the pipeline
 * says so in a notice: only a digest, `image:tag@sha256:…`, is immutable), but a missing tag or
 * `latest` changes even across major versions.
 */

const ID = 'dockerfile-base-pinned';

function imageVersion(image: string): { tag?: string; digest: boolean } {
  const [named, digest] = image.split('@');
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  return { tag: colon > slash ? named.slice(colon + 1) : undefined, digest: digest !== undefined };
}

export function checkDockerfiles(model: Parameters<typeof dockerfilesOf>[0]): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const dockerfile of dockerfilesOf(model)) {
    for (const stage of dockerfile.stages.filter(isRegistryImage)) {
      const { tag, digest } = imageVersion(stage.image);
      if (digest || (tag && tag !== 'latest')) continue;
      out.push({
        check: 'policy',
        rule: ID,
        file: dockerfile.file,
        line: stage.line,
        message: `${dockerfile.file} FROM ${stage.image}: ${tag ? 'is :latest' : 'has no tag (so it is :latest)'}, which changes whenever upstream pushes, across major versions too: ` +
          'pin a version tag and, better, its digest (image:tag@sha256:…)',
      });
    }
  }
  return out;
}

export const dockerfileBasePinned = defineCheck({
  id: ID,
  check: 'policy',
  summary: 'Every Dockerfile FROM names a version tag other than latest, or a digest; a digest (image:tag@sha256:…) is the only immutable pin.',
  remediation: 'Write FROM image:<version>@sha256:<digest> (docker buildx imagetools inspect image:<version> shows the digest); let Dependabot or Renovate update both.',
  source: 'https://docs.docker.com/build/building/best-practices/#pin-base-image-versions',
  run: checkDockerfiles,
});

/** Base images pinned by tag only: not a problem, but the reader should know (pipeline notice). */
export function tagPinnedBaseImages(model: Parameters<typeof dockerfilesOf>[0]): Array<{ file: string; images: string[] }> {
  return dockerfilesOf(model)
    .map(dockerfile => ({
      file: dockerfile.file,
      images: dockerfile.stages.filter(isRegistryImage).map(stage => stage.image).filter(image => {
        const { tag, digest } = imageVersion(image);
        return !digest && tag !== undefined && tag !== 'latest';
      }),
    }))
    .filter(entry => entry.images.length > 0);
}
