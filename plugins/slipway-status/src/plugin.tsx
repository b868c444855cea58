import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { refreshIntervalSecondsSchema } from './config';

/**
 * The "GitOps environments" card on the entity overview, for entities with the
 * `backstage.io/kubernetes-id` annotation. Extension id:
 * `entity-card:slipway-status/gitops-environments`.
 */
export const gitOpsEnvironmentsCard = EntityCardBlueprint.makeWithOverrides({
  name: 'gitops-environments',
  configSchema: { refreshIntervalSeconds: refreshIntervalSecondsSchema },
  factory(originalFactory, { config }) {
    const refreshIntervalMs = config.refreshIntervalSeconds !== undefined ? config.refreshIntervalSeconds * 1000 : undefined;
    return originalFactory({
      type: 'content',
      filter: { 'metadata.annotations.backstage.io/kubernetes-id': { $exists: true } },
      loader: () =>
        import('./components/GitOpsEnvironmentsCard').then(m => <m.GitOpsEnvironmentsCard refreshIntervalMs={refreshIntervalMs} />),
    });
  },
});

/** Slipway status: the GitOps environments card. The app installs this default export. */
export default createFrontendPlugin({
  pluginId: 'slipway-status',
  extensions: [gitOpsEnvironmentsCard],
});
