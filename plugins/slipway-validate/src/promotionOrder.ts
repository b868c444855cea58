import { parseYamlFile } from '@slipway/render';

/**
 * The environments a repo declares, in promotion order: the `slipway.dev/environments`
 * annotation of its catalog-info.yaml (`dev,staging,production`), which Slipway writes and
 * the status card reads. The last one is the production tier. A hand-made repo without it
 * declares nothing, and callers fall back to what the names suggest.
 */

export const ENVIRONMENTS_ANNOTATION = 'slipway.dev/environments';
const CATALOG_FILE = 'catalog-info.yaml';

function annotationOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const metadata = (value as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const annotations = (metadata as { annotations?: unknown }).annotations;
  if (typeof annotations !== 'object' || annotations === null) return undefined;
  const annotation = (annotations as Record<string, unknown>)[ENVIRONMENTS_ANNOTATION];
  return typeof annotation === 'string' ? annotation : undefined;
}

/** The declared promotion order, or [] when the repo declares none. Never throws. */
export function declaredPromotionOrder(files: ReadonlyMap<string, string>): string[] {
  const content = files.get(CATALOG_FILE);
  if (content === undefined) return [];
  for (const document of parseYamlFile(CATALOG_FILE, content).documents) {
    const annotation = annotationOf(document.value);
    if (annotation !== undefined) return [...new Set(annotation.split(',').map(name => name.trim().toLowerCase()).filter(Boolean))];
  }
  return [];
}

/** What the name suggests when nothing is declared (and for hand-made names such as prod-eu). */
const PRODUCTION_NAME = /prod/i;

/**
 * Whether an environment is production: named like it, or the last environment the repo
 * declares (a `dev → staging → live` repo's `live`).
 */
export function productionMatcher(files: ReadonlyMap<string, string>): (environment: string) => boolean {
  const declared = declaredPromotionOrder(files);
  const tier = declared[declared.length - 1];
  return environment => PRODUCTION_NAME.test(environment) || (tier !== undefined && environment.toLowerCase() === tier);
}
