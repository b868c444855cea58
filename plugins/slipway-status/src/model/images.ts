import { ImageRef } from './types';

const HEX = /^[0-9a-f]{7,40}$/i;

/** The commit a tag names: `sha-4f9c2e1` (what Slipway's CI pushes), `sha-<40 hex>`, or a bare 7–40 hex tag. */
export function commitOfTag(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  const match = /^sha-([0-9a-f]{7,40})$/i.exec(tag);
  if (match) return match[1].toLowerCase();
  return HEX.test(tag) ? tag.toLowerCase() : undefined;
}

/** `https://github.com/<slug>/commit/<sha>`; undefined unless both are known. */
export function commitUrl(slug: string | undefined, sha: string | undefined): string | undefined {
  if (!slug || !sha || !/^[\w.-]+\/[\w.-]+$/.test(slug)) return undefined;
  return `https://github.com/${slug}/commit/${sha}`;
}

/**
 * Splits an image reference into repository, tag and digest.
 * `ghcr.io/acme/orders:sha-4f9c2e1`, `localhost:5000/orders:1.2`, `orders@sha256:…`, `orders:tag@sha256:…`.
 */
export function parseImage(image: string, projectSlug?: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  // A colon after the last slash separates the tag; before it, it is a registry port.
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1) || undefined;
    rest = rest.slice(0, colon);
  }
  const commit = commitOfTag(tag);
  const label = tag ?? (digest ? shortDigest(digest) : image);
  return {
    image,
    repository: rest,
    ...(tag ? { tag } : {}),
    ...(digest ? { digest } : {}),
    ...(commit ? { commit } : {}),
    label,
    ...(commit && commitUrl(projectSlug, commit) ? { commitUrl: commitUrl(projectSlug, commit) } : {}),
  };
}

function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return hex ? `${algorithm}:${hex.slice(0, 12)}` : digest;
}

/** Same image for comparison purposes: same commit when both name one, else same repository and tag/digest. */
export function sameImage(a: ImageRef, b: ImageRef): boolean {
  if (a.commit && b.commit) return a.commit.startsWith(b.commit) || b.commit.startsWith(a.commit);
  return a.repository === b.repository && a.tag === b.tag && (a.tag !== undefined || a.digest === b.digest);
}
