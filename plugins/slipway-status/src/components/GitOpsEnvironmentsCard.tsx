/**
 * The entity-overview card: reads the entity, polls Backstage's Kubernetes backend
 * through `useKubernetesObjects` (the only data source), builds the model and renders
 * the view. `kubernetesApi.getClusters()` (the same backend, `GET /api/kubernetes/clusters`)
 * only tells "no cluster configured" from "nothing deployed yet" when the answer is empty.
 */
import { useEffect, useMemo, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { kubernetesApiRef, useKubernetesObjects } from '@backstage/plugin-kubernetes-react';
import { buildStatusModel, CommitsAhead, KUBERNETES_ID_LABEL, ObjectsResponse } from '../model';
import { GitOpsEnvironmentsCardView } from './GitOpsEnvironmentsCardView';
import { useNow } from './time';

export const DEFAULT_REFRESH_INTERVAL_MS = 10_000;

export interface GitOpsEnvironmentsCardProps {
  /** Poll interval; default 10 s. Configurable per app through the extension's `refreshIntervalSeconds`. */
  refreshIntervalMs?: number;
  /** Commit distance source for "staging is N commits ahead"; without one the card says "differs". */
  commitsAhead?: CommitsAhead;
}

/** Cluster names from the Kubernetes backend, fetched when the answer is empty; undefined when unknown. */
function useConfiguredClusters(needed: boolean): string[] | undefined {
  const kubernetesApi = useApi(kubernetesApiRef);
  const [clusters, setClusters] = useState<string[]>();
  useEffect(() => {
    if (!needed) return undefined;
    let cancelled = false;
    kubernetesApi
      .getClusters()
      .then(list => !cancelled && setClusters(list.map(cluster => cluster.name)))
      .catch(() => !cancelled && setClusters(undefined));
    return () => {
      cancelled = true;
    };
  }, [kubernetesApi, needed]);
  return needed ? clusters : undefined;
}

export function GitOpsEnvironmentsCard({ refreshIntervalMs = DEFAULT_REFRESH_INTERVAL_MS, commitsAhead }: GitOpsEnvironmentsCardProps) {
  const { entity } = useEntity();
  const { kubernetesObjects, loading, error } = useKubernetesObjects(entity, refreshIntervalMs);

  // The hook drops its value when a refresh fails: keep the last answer and say how old it is.
  const [last, setLast] = useState<{ response: ObjectsResponse; at: number }>();
  useEffect(() => {
    if (kubernetesObjects) setLast({ response: kubernetesObjects, at: Date.now() });
  }, [kubernetesObjects]);

  const empty = last !== undefined && last.response.items.length === 0;
  const configuredClusters = useConfiguredClusters(empty);
  const now = useNow(1000);

  const model = useMemo(
    () => (last ? buildStatusModel({ response: last.response, entity, configuredClusters, commitsAhead }) : undefined),
    [last, entity, configuredClusters, commitsAhead],
  );

  return (
    <GitOpsEnvironmentsCardView
      model={model}
      kubernetesId={entity.metadata.annotations?.[KUBERNETES_ID_LABEL] ?? entity.metadata.name}
      loading={loading}
      error={error}
      lastUpdated={last?.at}
      now={Math.max(now, last?.at ?? 0)}
      refreshIntervalMs={refreshIntervalMs}
    />
  );
}
