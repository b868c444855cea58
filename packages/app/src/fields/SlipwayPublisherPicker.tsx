/**
 * `ui:field: SlipwayPublisherPicker`: the template's "Publish to" choice. It asks the
 * Slipway backend (`GET /api/slipway/publishers`) which publishers work on this Backstage
 * and offers only those: GitHub appears only when a GitHub integration has credentials.
 * The generate action refuses an unavailable publisher by the same reading of the
 * config, so a REST caller cannot get past this either.
 */
import { ChangeEvent, useEffect, useState } from 'react';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import { discoveryApiRef, fetchApiRef, useApi } from '@backstage/core-plugin-api';
import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';

export const SLIPWAY_PUBLISHER_PICKER = 'SlipwayPublisherPicker';

/** One entry of `GET /api/slipway/publishers` (@slipway/git publisherAvailability). */
interface PublisherAvailability {
  id: string;
  available: boolean;
  hosts?: string[];
  reason?: string;
}

type Props = FieldExtensionComponentProps<string | undefined>;

type Loaded = { state: 'loading' } | { state: 'loaded'; publishers: PublisherAvailability[] } | { state: 'failed'; message: string };

export function SlipwayPublisherPickerComponent(props: Props) {
  const { onChange, schema, uiSchema, formData, idSchema, required, disabled, readonly } = props;
  const discovery = useApi(discoveryApiRef);
  const { fetch } = useApi(fetchApiRef);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const response = await fetch(`${await discovery.getBaseUrl('slipway')}/publishers`);
      if (!response.ok) throw new Error(`the Slipway backend answered ${response.status}`);
      const body = (await response.json()) as { publishers: PublisherAvailability[] };
      if (!cancelled) setLoaded({ state: 'loaded', publishers: body.publishers });
    })().catch(error => {
      if (!cancelled) setLoaded({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
    });
    return () => {
      cancelled = true;
    };
  }, [discovery, fetch]);

  const ids = (schema.enum as string[] | undefined) ?? [];
  const names = (uiSchema?.['ui:enumNames'] as string[] | undefined) ?? ids;
  const available = loaded.state === 'loaded' ? loaded.publishers.filter(p => p.available).map(p => p.id) : [];
  const offered = ids.filter(id => available.includes(id));

  // A default (or an earlier choice) that does not work here is replaced by the first one that does.
  useEffect(() => {
    if (loaded.state === 'loaded' && offered.length && (formData === undefined || !offered.includes(formData))) {
      onChange(offered[0]);
    }
  }, [loaded, offered, formData, onChange]);

  const hidden = loaded.state === 'loaded' ? loaded.publishers.filter(p => !p.available && ids.includes(p.id)) : [];
  const helper =
    loaded.state === 'failed'
      ? `Could not ask the backend where it can publish (${loaded.message}); reload the page.`
      : hidden.map(p => `${names[ids.indexOf(p.id)] ?? p.id} is not available here: ${p.reason ?? 'not configured'}.`).join(' ') ||
        schema.description;

  return (
    <FormControl component="fieldset" required={required} disabled={disabled || readonly} error={loaded.state === 'failed'} margin="normal">
      <FormLabel component="legend">{schema.title ?? 'Publish to'}</FormLabel>
      <RadioGroup
        aria-label={schema.title ?? 'Publish to'}
        name={idSchema?.$id}
        value={formData ?? ''}
        onChange={(event: ChangeEvent<HTMLInputElement>) => onChange(event.target.value)}
      >
        {offered.map(id => (
          <FormControlLabel key={id} value={id} control={<Radio color="primary" />} label={names[ids.indexOf(id)] ?? id} />
        ))}
      </RadioGroup>
      {loaded.state === 'loading' ? <FormHelperText>Checking where this Backstage can publish…</FormHelperText> : null}
      {helper ? <FormHelperText data-testid="publisher-help">{helper}</FormHelperText> : null}
    </FormControl>
  );
}

export const slipwayPublisherPickerField = createFormField({
  name: SLIPWAY_PUBLISHER_PICKER,
  component: SlipwayPublisherPickerComponent,
});
