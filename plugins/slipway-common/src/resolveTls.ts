import { DNS1123_LABEL_MAX } from './names';
import type { EnvironmentIssue } from './resolveEnvironments';

/*
 * TLS for a public host (the spec's tlsFragment): every environment with a host gets its own
 * HTTPS listener on the shared Gateway and its own cert-manager Certificate, whose Secret the
 * listener serves. Shared by every golden path with public hosts, so the Gateway's listeners,
 * the overlays' Certificates and the routes' sectionNames are named alike everywhere.
 */

/** What TLS one environment's host gets: its listener on the Gateway, its Certificate and the Secret cert-manager writes. */
export interface EnvironmentTls {
  /** The HTTPS listener's name, unique on a Gateway shared by many repos (`<name>-<environment>`, the environment's Application). */
  listener: string;
  /** The cert-manager Certificate, and the Secret it writes (`<name>-<environment>-tls`). */
  secretName: string;
}

/** Appended to `<name>-<environment>` for the certificate's Secret: the one derived name that can outgrow 63 (environmentTlsIssues). */
export const TLS_SECRET_SUFFIX = '-tls';

/** The TLS names of the environment whose Argo CD Application (`<name>-<environment>`) is `application`. */
export function environmentTls(application: string): EnvironmentTls {
  return { listener: application, secretName: `${application}${TLS_SECRET_SUFFIX}` };
}

/**
 * The Secret's name is a Certificate's and a Secret's metadata.name and a ReferenceGrant's
 * `to.name`, so it must fit a DNS-1123 label; the suffix can take `<name>-<environment>` past 63
 * (MAX_ENVIRONMENT_NAME_LENGTH keeps only `<name>-<environment>` within it), so the spec refuses
 * that combination rather than tighten every golden path's environment names.
 */
export function environmentTlsIssues(tls: EnvironmentTls, at: string): EnvironmentIssue[] {
  if (tls.secretName.length <= DNS1123_LABEL_MAX) return [];
  return [{
    path: `${at}.name`,
    message: `must be shorter: the certificate Secret ${tls.secretName} is over ${DNS1123_LABEL_MAX} characters (shorten the name or the environment)`,
  }];
}
