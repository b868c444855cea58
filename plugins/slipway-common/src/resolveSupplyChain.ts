import type { SpecIssue } from './resolve';
import type { ParsedServiceSpec } from './spec';
import {
  defaultBaseImages,
  nodeMajorOfImage,
  nodeMajorOfVersion,
  registryHostOf,
  resolveRegistryPush,
  type ResolvedRegistryPush,
} from './supplyChain';

/** The image as every renderer sees it: where it goes, how CI logs in, how nodes pull it. */
export interface ResolvedImage {
  registry: string;
  repository: string;
  /** registry/repository, without a tag */
  name: string;
  /** The registry's host, which CI logs in to. */
  host: string;
  push: ResolvedRegistryPush;
  /** The dockerconfigjson Secret the ServiceAccount lists in imagePullSecrets, when set. */
  pullSecret?: string;
}

export type ResolvedCi = Omit<ParsedServiceSpec['ci'], 'baseImages'> & {
  /** The Node major of ci.nodeVersion: CI, the build stage and the runtime all run it. */
  nodeMajor: number;
  baseImages: { build: string; runtime: string };
};

/**
 * Resolves the image, registry login and base images, with the issues that span fields (a
 * login method the registry does not take, a base image on another Node major). On issues the
 * spec is refused, so the fallbacks here never reach a renderer.
 */
export function buildSupplyChain(input: Pick<ParsedServiceSpec, 'name' | 'image' | 'ci'>): { image: ResolvedImage; ci: ResolvedCi; issues: SpecIssue[] } {
  const repository = input.image.repository ?? input.name;
  const pushed = resolveRegistryPush(input.image.registry, input.image.push);
  const issues: SpecIssue[] = [...pushed.issues];
  const image: ResolvedImage = {
    registry: input.image.registry,
    repository,
    name: `${input.image.registry}/${repository}`,
    host: registryHostOf(input.image.registry),
    push: pushed.push ?? { auth: 'secrets', usernameSecret: input.image.push.usernameSecret, passwordSecret: input.image.push.passwordSecret },
  };
  if (input.image.pullSecret) image.pullSecret = input.image.pullSecret;

  const nodeMajor = nodeMajorOfVersion(input.ci.nodeVersion);
  const defaults = defaultBaseImages(nodeMajor);
  const baseImages = { build: input.ci.baseImages.build ?? defaults.build, runtime: input.ci.baseImages.runtime ?? defaults.runtime };
  for (const stage of ['build', 'runtime'] as const) {
    if (input.ci.baseImages[stage] === undefined) continue;
    const major = nodeMajorOfImage(baseImages[stage]);
    if (major !== nodeMajor) {
      issues.push({
        path: `ci.baseImages.${stage}`,
        message:
          major === undefined
            ? `must name its Node major in the image name or tag (e.g. ${defaults[stage]}@sha256:…), so it can be checked against ci.nodeVersion ${input.ci.nodeVersion}`
            : `runs Node ${major}, but ci.nodeVersion is ${input.ci.nodeVersion}: CI, the build stage and the runtime must run one Node major`,
      });
    }
  }
  const { baseImages: _input, ...ci } = input.ci;
  return { image, ci: { ...ci, nodeMajor, baseImages }, issues };
}
