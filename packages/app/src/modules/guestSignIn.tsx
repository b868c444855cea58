import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { ProxiedSignInPage } from '@backstage/core-components';

/**
 * Signs every visitor in as the guest user without showing a login screen: the
 * page asks the auth backend's guest provider for a session (`/api/auth/guest/refresh`).
 * The backend allows this through `auth.providers.guest` in app-config.yaml.
 */
export const guestSignInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: {
        loader: async () => props => <ProxiedSignInPage {...props} provider="guest" />,
      },
    }),
  ],
});
