/**
 * `ui:field: SlipwaySpecField`: a text (or number) input that checks every keystroke
 * against its golden path's spec and shows the spec's own message under the field, before
 * the user presses Next. `ui:options.goldenPath` names the golden path (the Template's
 * `slipway:generate` step's, kept equal by scripts/sync-template-form.js) and
 * `ui:options.specPath` the spec field (default: the form field's name, but the check on
 * Next needs it set), e.g. `environments[0].host` for `stagingHost`.
 *
 * The same check runs as the field's validation on Next, so the step cannot be left
 * with a value the scaffolder action would reject. With `ui:options.hideError: true`
 * (rjsf) the form's generic JSON Schema message under the field is dropped and only
 * the spec's message shows there; the list at the top of the step still has both.
 */
import { ChangeEvent, useState } from 'react';
import TextField from '@material-ui/core/TextField';
import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { specFieldErrors } from './specRules';

export const SLIPWAY_SPEC_FIELD = 'SlipwaySpecField';

type Value = string | number | undefined;
type UiOptions = { goldenPath?: string; specPath?: string; rows?: number };
type Props = FieldExtensionComponentProps<Value, UiOptions>;

function specPathOf(name: string | undefined, uiOptions: UiOptions | undefined): string {
  return uiOptions?.specPath ?? name ?? '';
}

function isNumeric(schema: { type?: unknown }): boolean {
  return schema.type === 'integer' || schema.type === 'number';
}

/** What the form stores for the text in the input: numbers for numeric fields, no empty strings. */
function toValue(text: string, numeric: boolean): Value {
  if (text === '') return undefined;
  if (!numeric) return text;
  const n = Number(text);
  return Number.isNaN(n) ? text : n;
}

export function SlipwaySpecFieldComponent(props: Props) {
  const { onChange, required, schema, uiSchema, rawErrors, formData, idSchema, name, disabled, readonly } = props;
  const uiOptions = uiSchema?.['ui:options'] as UiOptions | undefined;
  const specPath = specPathOf(name, uiOptions);
  const numeric = isNumeric(schema);
  const [text, setText] = useState(formData === undefined || formData === null ? '' : String(formData));
  // Nothing is reported before the user types or presses Next.
  const [touched, setTouched] = useState(false);
  const submitted = (rawErrors?.length ?? 0) > 0;
  const goldenPath = uiOptions?.goldenPath ?? '';
  const specErrors = touched || submitted ? specFieldErrors(goldenPath, specPath, toValue(text, numeric)) : [];
  // The form's own JSON Schema errors (rawErrors, e.g. "must match pattern …") only when the
  // spec has nothing to say, and only until the user edits the field again.
  const shownErrors = specErrors.length ? specErrors : !touched && submitted ? rawErrors! : [];
  const rows = uiOptions?.rows;

  return (
    <TextField
      id={idSchema?.$id}
      label={schema.title ?? name}
      placeholder={uiSchema?.['ui:placeholder'] as string | undefined}
      required={required}
      disabled={disabled || readonly}
      type={numeric ? 'number' : 'text'}
      multiline={rows !== undefined}
      minRows={rows}
      value={text}
      onChange={(event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
        setTouched(true);
        setText(event.target.value);
        onChange(toValue(event.target.value, numeric));
      }}
      error={shownErrors.length > 0}
      helperText={shownErrors.length ? shownErrors.join('; ') : schema.description}
      margin="normal"
      inputProps={{ autoFocus: uiSchema?.['ui:autofocus'] === true, 'data-spec-path': specPath }}
      FormHelperTextProps={{ margin: 'dense', style: { marginLeft: 0 } }}
    />
  );
}

export const slipwaySpecFormField = createFormField({
  name: SLIPWAY_SPEC_FIELD,
  component: SlipwaySpecFieldComponent,
  validation: (value: Value, validation, context) => {
    // The validator is not told the field's name, so it needs ui:options.specPath.
    const { goldenPath, specPath } = (context.uiSchema?.['ui:options'] as UiOptions | undefined) ?? {};
    if (!goldenPath || !specPath) return;
    for (const message of specFieldErrors(goldenPath, specPath, value)) validation.addError(message);
  },
});
