import { sendError } from './errorResponse';
import { formatJsonPath } from './jsonPath';
import type { HttpRequest, HttpResponse, Middleware } from './middleware';
import { templateFields, unknownValueKeys } from './templateFields';

/** Finds a template's `spec.parameters` by entity ref, as the caller may see it; undefined when it is not there. */
export type TemplateParametersLookup = (templateRef: string, authorization: string | undefined) => Promise<unknown | undefined>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `template:default/x`, `default/x` or `x` (the kinds and namespaces the scaffolder itself defaults). */
export function templatePathOf(templateRef: string): { namespace: string; name: string } | undefined {
  const match = /^(?:([^:/]+):)?(?:([^:/]+)\/)?([^:/]+)$/.exec(templateRef);
  if (!match || (match[1] && match[1].toLowerCase() !== 'template')) return undefined;
  return { namespace: match[2] ?? 'default', name: match[3] };
}

/**
 * Reads templates from the catalog's REST API on this backend, with the caller's own
 * Authorization header, so the check sees exactly the templates the caller may use
 * (the scaffolder reads the template with the caller's credentials too).
 */
export function catalogTemplateLookup(catalogBaseUrl: string): TemplateParametersLookup {
  return async (templateRef, authorization) => {
    const ref = templatePathOf(templateRef);
    if (!ref) return undefined;
    const url = `${catalogBaseUrl}/entities/by-name/template/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(ref.name)}`;
    const response = await fetch(url, { headers: authorization ? { authorization } : {} });
    if (!response.ok) return undefined;
    const entity = (await response.json()) as { spec?: { parameters?: unknown } };
    return entity.spec?.parameters;
  };
}

function refuseUnknown(req: HttpRequest, res: HttpResponse, unknown: string[], templateName: string, known: string[]): void {
  const paths = unknown.map(key => formatJsonPath(['values', key]));
  sendError(
    req,
    res,
    400,
    'InputError',
    `${paths.join(', ')}: ${unknown.length === 1 ? 'is not a field' : 'are not fields'} of ${templateName} ` +
      `(its fields: ${known.join(', ')}). Values the form does not ask for are refused, so a task stores only what its template uses.`,
  );
}

/**
 * `POST /api/scaffolder/v2/tasks`: refuses value keys that no field of the template
 * produces, naming them. Runs after the JSON body guard (req.body is parsed and bounded).
 * When the template cannot be read here, the scaffolder's own answer (404, 403) is left to it.
 */
export function createTaskValuesGuard(lookup: TemplateParametersLookup): Middleware {
  return (req, res, next) => {
    const body = req.body;
    if (!isObject(body) || typeof body.templateRef !== 'string' || !isObject(body.values)) {
      next();
      return;
    }
    const { templateRef, values } = body;
    lookup(templateRef, req.headers.authorization)
      .then(parameters => {
        if (parameters === undefined) return next();
        const fields = templateFields(parameters);
        const unknown = unknownValueKeys(values, fields);
        if (unknown.length === 0 || fields.open) return next();
        return refuseUnknown(req, res, unknown, templateRef, fields.names);
      })
      .catch(() => next());
  };
}

/** `POST /api/scaffolder/v2/dry-run`: the same rule, against the template the request carries. */
export function createDryRunValuesGuard(): Middleware {
  return (req, res, next) => {
    const body = req.body;
    const template = isObject(body) ? body.template : undefined;
    if (!isObject(body) || !isObject(template) || !isObject(template.spec) || !isObject(body.values)) {
      next();
      return;
    }
    const fields = templateFields(template.spec.parameters);
    const unknown = unknownValueKeys(body.values, fields);
    if (unknown.length === 0 || fields.open) {
      next();
      return;
    }
    const name = isObject(template.metadata) && typeof template.metadata.name === 'string' ? `template ${template.metadata.name}` : 'the template';
    refuseUnknown(req, res, unknown, name, fields.names);
  };
}
