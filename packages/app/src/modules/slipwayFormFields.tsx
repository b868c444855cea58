import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';

/**
 * Adds Slipway's form field to the scaffolder (Create and the Template Editor):
 * `ui:field: SlipwaySpecField` validates as you type with the Slipway spec's rules.
 */
export const slipwayFormFieldsModule = createFrontendModule({
  pluginId: 'scaffolder',
  extensions: [
    FormFieldBlueprint.make({
      name: 'slipway-spec-field',
      params: {
        field: () => import('../fields/SlipwaySpecField').then(m => m.slipwaySpecFormField),
      },
    }),
  ],
});
