import type { ModelCheck, ValidationProblem } from '../types';
import {
  asArray,
  asRecord,
  asString,
  containersOf,
  getPath,
  objectSets,
  podTemplates,
  problemsFor,
  recordsOf,
  type ContainerRef,
  type PodTemplate,
} from '../kube';

/**
 * The "restricted" Pod Security Standard, checked on every container (init containers
 * included, as the admission controller does), so a namespace labelled
 * `pod-security.kubernetes.io/enforce: restricted` admits every generated pod.
 */

const problem = problemsFor('policy');
const ALLOWED_SECCOMP = ['RuntimeDefault', 'Localhost'];
const HOST_NAMESPACES = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

function describe(ref: ContainerRef): string {
  return `${ref.path} ("${ref.name}")`;
}

/** Container settings override the pod's, field by field. */
function effective(template: PodTemplate, ref: ContainerRef, field: string): unknown {
  const own = getPath(ref.container, 'securityContext', field);
  return own !== undefined ? own : getPath(template.spec, 'securityContext', field);
}

function checkContainer(template: PodTemplate, ref: ContainerRef): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const { loaded } = template;
  const where = describe(ref);
  const sc = asRecord(ref.container.securityContext) ?? {};

  if (effective(template, ref, 'runAsNonRoot') !== true) {
    out.push(problem('pod-run-as-non-root', loaded, `${where}.securityContext.runAsNonRoot`,
      'must be true (on the container or the pod securityContext): restricted Pod Security forbids running as root'));
  }
  if (effective(template, ref, 'runAsUser') === 0) {
    out.push(problem('pod-run-as-non-root', loaded, `${where}.securityContext.runAsUser`,
      'is 0 (root): restricted Pod Security forbids running as root'));
  }
  if (sc.allowPrivilegeEscalation !== false) {
    out.push(problem('pod-privilege-escalation', loaded, `${where}.securityContext.allowPrivilegeEscalation`,
      'must be false: restricted Pod Security forbids privilege escalation'));
  }
  const drop = asArray(getPath(sc, 'capabilities', 'drop')).map(String);
  if (!drop.includes('ALL')) {
    out.push(problem('pod-capabilities', loaded, `${where}.securityContext.capabilities.drop`,
      'must include ALL: restricted Pod Security requires dropping every capability'));
  }
  const added = asArray(getPath(sc, 'capabilities', 'add')).map(String).filter(cap => cap !== 'NET_BIND_SERVICE');
  if (added.length > 0) {
    out.push(problem('pod-capabilities', loaded, `${where}.securityContext.capabilities.add`,
      `adds ${added.join(', ')}: restricted Pod Security allows adding only NET_BIND_SERVICE`));
  }
  const seccomp = asString(getPath(effective(template, ref, 'seccompProfile'), 'type'));
  if (!seccomp || !ALLOWED_SECCOMP.includes(seccomp)) {
    out.push(problem('pod-seccomp-profile', loaded, `${where}.securityContext.seccompProfile.type`,
      `is ${seccomp ?? 'unset'}: restricted Pod Security requires RuntimeDefault or Localhost (container or pod securityContext)`));
  }
  if (sc.readOnlyRootFilesystem !== true) {
    out.push(problem('pod-read-only-root-filesystem', loaded, `${where}.securityContext.readOnlyRootFilesystem`,
      'must be true: write to an emptyDir volume instead of the image filesystem'));
  }
  if (sc.privileged === true) {
    out.push(problem('pod-privileged', loaded, `${where}.securityContext.privileged`,
      'must not be true: privileged containers are forbidden by every Pod Security level but privileged'));
  }
  return out;
}

function checkPod(template: PodTemplate): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const field of HOST_NAMESPACES) {
    if (template.spec[field] === true) {
      out.push(problem('pod-host-namespaces', template.loaded, `${template.specPath}.${field}`,
        'must not be true: sharing the node\'s namespaces is forbidden by Pod Security'));
    }
  }
  for (const { record, index } of recordsOf(template.spec.volumes)) {
    if (record.hostPath !== undefined) {
      out.push(problem('pod-host-path', template.loaded, `${template.specPath}.volumes[${index}].hostPath`,
        `volume "${asString(record.name) ?? index}" mounts a node path: hostPath volumes are forbidden by Pod Security`));
    }
  }
  for (const ref of containersOf(template)) out.push(...checkContainer(template, ref));
  return out;
}

export const checkPodSecurity: ModelCheck = model =>
  objectSets(model).flatMap(set => podTemplates(set).flatMap(checkPod));
