/**
 * The Slipway Backstage frontend, on the new frontend system: catalog, scaffolder
 * (Create, tasks, Template Editor with dry-run), the Kubernetes entity tab and
 * Slipway's GitOps environments card, with guest sign-in and no login screen.
 * packages/backend serves the built app (dist/) at / through @backstage/plugin-app-backend.
 */
import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import kubernetesPlugin from '@backstage/plugin-kubernetes/alpha';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import slipwayStatusPlugin from '@slipway/plugin-slipway-status';
import { guestSignInModule } from './modules/guestSignIn';
import { slipwayFormFieldsModule } from './modules/slipwayFormFields';

const app = createApp({
  features: [
    catalogPlugin,
    scaffolderPlugin,
    kubernetesPlugin,
    slipwayStatusPlugin,
    guestSignInModule,
    slipwayFormFieldsModule,
  ],
});

export default app;
