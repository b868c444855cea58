import { findOverlays } from './load';
import { declaredPromotionOrder, productionMatcher } from './promotionOrder';

const catalog = (environments: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: shop\n  annotations:\n    slipway.dev/environments: ${environments}\nspec: {type: service}\n`;
const overlays = (...names: string[]) => names.map(name => [`deploy/overlays/${name}/kustomization.yaml`, 'resources: []\n'] as [string, string]);

describe('the promotion order a repo declares', () => {
  it('reads catalog-info.yaml\'s slipway.dev/environments, in order, without blanks or repeats', () => {
    expect(declaredPromotionOrder(new Map([['catalog-info.yaml', catalog('qa, preview,,live,qa')]]))).toEqual(['qa', 'preview', 'live']);
  });

  it('declares nothing without the file, the annotation, or with a file that is not YAML', () => {
    expect(declaredPromotionOrder(new Map())).toEqual([]);
    expect(declaredPromotionOrder(new Map([['catalog-info.yaml', 'kind: Component\nmetadata: {name: x}\n']]))).toEqual([]);
    expect(declaredPromotionOrder(new Map([['catalog-info.yaml', 'metadata: [\n']]))).toEqual([]);
  });

  it('orders the overlays as declared, not by name (qa → preview → live), then the undeclared ones by the usual names', () => {
    const files = new Map([['catalog-info.yaml', catalog('qa,preview,live')], ...overlays('live', 'preview', 'qa', 'dev')]);
    expect(findOverlays(files).map(overlay => overlay.environment)).toEqual(['qa', 'preview', 'live', 'dev']);
    // Without a declaration: the usual names first (dev before qa), the rest alphabetically.
    expect(findOverlays(new Map(overlays('live', 'preview', 'qa', 'dev'))).map(overlay => overlay.environment)).toEqual(['dev', 'qa', 'live', 'preview']);
  });

  it('counts the last declared environment as production, and names like prod-eu in any repo', () => {
    const declared = productionMatcher(new Map([['catalog-info.yaml', catalog('qa,live')]]));
    expect(['qa', 'live', 'prod-eu'].map(declared)).toEqual([false, true, true]);
    const undeclared = productionMatcher(new Map());
    expect(['staging', 'live', 'production'].map(undeclared)).toEqual([false, false, true]);
  });
});
