import type { RepoModel } from '../types';
import { tagPinnedBaseImages } from '../rules/dockerfile-base-pinned';

/**
 * Base images pinned by tag are not a problem (Slipway's own defaults are, because no digest can
 * be established without the registry), but a tag can be re-pushed, so the report says so
 * rather than passing it in silence.
 */
export function baseImageNotices(model: RepoModel): string[] {
  return tagPinnedBaseImages(model).map(
    ({ file, images }) =>
      `${file}: base image${images.length > 1 ? 's' : ''} ${images.join(', ')} ${images.length > 1 ? 'are' : 'is'} pinned by tag, not by digest, so a re-pushed tag changes what CI builds on. ` +
      'Slipway cannot look digests up offline: pin image:tag@sha256:<digest> (docker buildx imagetools inspect <image> prints it; in the service spec: ci.baseImages) and let Dependabot or Renovate update it.',
  );
}
