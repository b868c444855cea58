/**
 * One cell per column of an environment row. Each takes the row (plain model data) and
 * renders text first: colour only repeats what the words say.
 */
import { EnvironmentRow } from '../model';
import { Detail, ExternalLink, Image, Line, Mono, Status } from './parts';

function Unavailable({ row, plural, what }: { row: EnvironmentRow; plural: string; what: string }) {
  if (!row.unavailable.includes(plural)) return <Detail>{what}</Detail>;
  return <Detail tone="warning">cannot list {plural} in cluster {row.cluster}</Detail>;
}

export function EnvironmentCell({ row }: { row: EnvironmentRow }) {
  return (
    <>
      <Line>
        <strong>{row.environment}</strong>
      </Line>
      {row.cluster && (
        <Detail>
          cluster {row.cluster}
          {row.namespace ? ` · ${row.namespace}` : ''}
        </Detail>
      )}
    </>
  );
}

export function ArgoCdCell({ row }: { row: EnvironmentRow }) {
  const argocd = row.argocd;
  if (!argocd) return <Unavailable row={row} plural="applications" what="no Argo CD Application" />;
  if (argocd.awaitingFirstImage) {
    return (
      <>
        <Status tone="neutral">awaiting first image</Status>
        <Detail testId="argocd-gate">
          {argocd.gate === 'skip-reconcile'
            ? 'reconcile skipped until CI pins the first image'
            : argocd.gate === 'auto-sync-disabled'
              ? `auto-sync off until CI pins the first image · ${argocd.sync} · ${argocd.health}`
              : `no pinned image · ${argocd.sync} · ${argocd.health}`}
        </Detail>
      </>
    );
  }
  if (argocd.reconcileSkipped) {
    return (
      <>
        <Status tone="warning">reconcile skipped</Status>
        <Detail>argocd.argoproj.io/skip-reconcile is set: Argo CD does not sync this Application</Detail>
      </>
    );
  }
  return (
    <>
      <Status tone={argocd.tone}>
        {argocd.sync} · {argocd.health}
      </Status>
      {argocd.gate === 'auto-sync-disabled' && (
        <Detail tone="warning" testId="argocd-gate">
          automated sync is off: Argo CD will not deploy Git&apos;s changes
        </Detail>
      )}
      {argocd.shortRevision && (
        <Detail>
          revision{' '}
          <Mono>
            <ExternalLink href={argocd.revisionUrl} title={argocd.revision}>
              {argocd.shortRevision}
            </ExternalLink>
          </Mono>
        </Detail>
      )}
      {argocd.operation && (
        <Detail tone={argocd.operation.phase === 'Running' ? 'progress' : 'error'}>
          sync {argocd.operation.phase.toLowerCase()}
          {argocd.operation.message ? `: ${argocd.operation.message}` : ''}
        </Detail>
      )}
      {argocd.health !== 'Healthy' && argocd.healthMessage && <Detail>{argocd.healthMessage}</Detail>}
      {argocd.conditions
        .filter(condition => !argocd.operation?.message || !condition.includes(argocd.operation.message))
        .map(condition => (
          <Detail key={condition} tone="warning">
            {condition}
          </Detail>
        ))}
    </>
  );
}

export function ImageCell({ row }: { row: EnvironmentRow }) {
  const image = row.image;
  return (
    <>
      {image?.stable ? (
        <Line testId="stable-image">
          <Image image={image.stable} />
          {image.canary ? <Detail>stable</Detail> : null}
        </Line>
      ) : (
        <Unavailable row={row} plural="pods" what="no image found" />
      )}
      {image?.canary && (
        <Line testId="canary-image">
          <Image image={image.canary} />
          <Detail>
            canary{row.rollout?.canaryWeight !== undefined ? ` · ${row.rollout.canaryWeight}% of traffic` : ''}
          </Detail>
        </Line>
      )}
      {image?.desiredNotRunning && (
        <Detail tone="warning" testId="desired-image">
          Git asks for <Image image={image.desiredNotRunning} />, not running
          {row.rollout?.state === 'Aborted' ? ' (rollout aborted)' : ''}
        </Detail>
      )}
      {row.comparison && (
        <Detail
          tone={row.comparison.relation === 'same' ? undefined : 'warning'}
          testId="comparison"
        >
          {row.comparison.text}
        </Detail>
      )}
    </>
  );
}

export function RolloutCell({ row }: { row: EnvironmentRow }) {
  const rollout = row.rollout;
  if (!rollout) return <Unavailable row={row} plural="rollouts" what="no Rollout" />;
  const step = rollout.step;
  const showStep = step && rollout.state !== 'Aborted' && step.index < step.total;
  return (
    <>
      <Status tone={rollout.tone}>{rollout.state}</Status>
      {showStep && (
        <Detail testId="canary-step">
          step {step.text} · {step.current}
          {rollout.canaryWeight !== undefined ? ` · canary ${rollout.canaryWeight}%` : ''}
        </Detail>
      )}
      {rollout.reason && (
        <Detail tone={rollout.tone === 'error' ? 'error' : undefined} testId="rollout-reason">
          {rollout.reason}
        </Detail>
      )}
    </>
  );
}

export function AnalysisCell({ row }: { row: EnvironmentRow }) {
  const analysis = row.analysis;
  if (!analysis) return <Unavailable row={row} plural="analysisruns" what="no AnalysisRun" />;
  return (
    <>
      <Status tone={analysis.tone}>{analysis.verdict}</Status>
      {analysis.outdated && <Detail>run of an earlier revision ({analysis.revision})</Detail>}
      {analysis.message && analysis.verdict !== 'Successful' && (
        <Detail tone={analysis.tone === 'error' ? 'error' : undefined}>{analysis.message}</Detail>
      )}
      {analysis.metrics.map(metric => (
        <Detail key={metric.name} testId={`metric-${metric.name}`}>
          <Status tone={metric.tone}>
            {metric.name} {metric.value ?? 'no measurement'}
            {metric.threshold ? ` (${metric.threshold})` : ''}
          </Status>
        </Detail>
      ))}
    </>
  );
}

export function PodsCell({ row }: { row: EnvironmentRow }) {
  const pods = row.pods;
  if (!pods) return <Unavailable row={row} plural="pods" what="no pods" />;
  const denominator = pods.desired !== undefined && pods.total <= pods.desired ? pods.desired : pods.total;
  return (
    <>
      <Status tone={pods.tone}>
        {pods.ready}/{denominator} ready
      </Status>
      {pods.desired !== undefined && pods.total !== pods.desired && (
        <Detail>
          {pods.total} pods, {pods.desired} desired
        </Detail>
      )}
      <Detail>
        {pods.restarts} restart{pods.restarts === 1 ? '' : 's'}
      </Detail>
      {pods.problems.map(problem => (
        <Detail key={problem.pod} tone={problem.reason === 'not ready' || problem.reason === 'Pending' ? 'warning' : 'error'}>
          <Mono>{problem.pod}</Mono>: {problem.reason}
          {problem.restarts > 0 ? ` (${problem.restarts} restarts)` : ''}
        </Detail>
      ))}
    </>
  );
}
