import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';

/**
 * Adds Slipway's form fields to the scaffolder (Create and the Template Editor):
 * `ui:field: SlipwaySpecField` validates as you type with the Slipway spec's rules;
 * `ui:field: SlipwayPublisherPicker` offers only the publishers that work on this Backstage.
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
    FormFieldBlueprint.make({
      name: 'slipway-publisher-picker',
      params: {
        field: () => import('../fields/SlipwayPublisherPicker').then(m => m.slipwayPublisherPickerField),
      },
    }),
  ],
});
