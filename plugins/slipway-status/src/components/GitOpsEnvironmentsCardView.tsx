/**
 * The card, given everything it shows: no hooks that fetch, so tests render it directly
 * from scenario models. GitOpsEnvironmentsCard wires it to Backstage.
 */
import Box from '@material-ui/core/Box';
import Card from '@material-ui/core/Card';
import CardContent from '@material-ui/core/CardContent';
import CardHeader from '@material-ui/core/CardHeader';
import Divider from '@material-ui/core/Divider';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ClusterProblem, StatusModel } from '../model';
import { EnvironmentsTable } from './EnvironmentsTable';
import { Detail, ExternalLink, Mono } from './parts';
import { formatAgo, formatInterval } from './time';

/** `staging and production`, `dev, staging and production`. */
function englishList(names: string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export interface GitOpsEnvironmentsCardViewProps {
  /** Undefined until the first answer arrives. */
  model?: StatusModel;
  /** The service's `backstage.io/kubernetes-id`, for the empty-state text. */
  kubernetesId?: string;
  /** A fetch is in flight (first load or a refresh). */
  loading: boolean;
  /** The last fetch failed with this message (the model, if any, is from an earlier answer). */
  error?: string;
  /** When the model's answer arrived (ms since epoch). */
  lastUpdated?: number;
  now: number;
  refreshIntervalMs: number;
}

const useStyles = makeStyles(theme => ({
  card: { height: '100%' },
  progress: { height: 2 },
  content: { paddingTop: theme.spacing(1) },
  problem: {
    borderLeft: '4px solid #ed6c02',
    background: 'rgba(237, 108, 2, 0.08)',
    padding: theme.spacing(1, 1.5),
    marginBottom: theme.spacing(1),
  },
  error: {
    borderLeft: '4px solid #d32f2f',
    background: 'rgba(211, 47, 47, 0.08)',
    padding: theme.spacing(1, 1.5),
    marginBottom: theme.spacing(1),
  },
  code: {
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    fontSize: '0.75rem',
    background: 'rgba(127, 127, 127, 0.12)',
    padding: theme.spacing(1),
    margin: theme.spacing(1, 0),
    overflowX: 'auto',
  },
}));

export const CLUSTER_CONFIG_EXAMPLE = `kubernetes:
  clusterLocatorMethods:
    - type: config
      clusters:
        - name: local
          url: http://127.0.0.1:8001
          authProvider: localKubectlProxy
          skipMetricsLookup: true`;

function ClusterConfigHelp() {
  const classes = useStyles();
  return (
    <>
      <Typography variant="body2">
        Add a cluster under <Mono>kubernetes.clusterLocatorMethods</Mono> in app-config, for example your current
        kubectl context through <Mono>kubectl proxy --port 8001</Mono>:
      </Typography>
      <pre className={classes.code}>{CLUSTER_CONFIG_EXAMPLE}</pre>
      <Detail>
        For a shared Backstage use a service account with get and list on the resources the card reads (see the
        Slipway README and examples/kubernetes/backstage-reader.yaml).
      </Detail>
    </>
  );
}

function ProblemBox({ problem }: { problem: ClusterProblem }) {
  const classes = useStyles();
  return (
    <div className={classes.problem} role="alert" data-testid={`cluster-problem-${problem.cluster}`}>
      <Typography variant="body2">
        <strong>Cluster {problem.cluster}</strong>: {problem.message}
      </Typography>
      <Detail>{problem.hint}</Detail>
    </div>
  );
}

export function RefreshStatus(props: Pick<GitOpsEnvironmentsCardViewProps, 'loading' | 'lastUpdated' | 'now' | 'refreshIntervalMs'>) {
  const { loading, lastUpdated, now, refreshIntervalMs } = props;
  const every = `refreshes every ${formatInterval(refreshIntervalMs)}`;
  let text: string;
  if (lastUpdated !== undefined) text = `updated ${formatAgo(lastUpdated, now)} · ${every}`;
  else text = loading ? 'loading…' : every;
  return (
    <span data-testid="refresh-status">
      {text}
      {loading && lastUpdated !== undefined ? ' · refreshing…' : ''}
    </span>
  );
}

export function GitOpsEnvironmentsCardView(props: GitOpsEnvironmentsCardViewProps) {
  const { model, loading, error, lastUpdated, now, refreshIntervalMs, kubernetesId } = props;
  const classes = useStyles();
  const selector = kubernetesId ? `backstage.io/kubernetes-id=${kubernetesId}` : 'the backstage.io/kubernetes-id label';

  let body: JSX.Element;
  if (!model) {
    body = error ? (
      <div className={classes.error} role="alert">
        <Typography variant="body2">
          <strong>Could not read Kubernetes objects</strong> through Backstage's Kubernetes backend: {error}
        </Typography>
        <Box mt={1}>
          <ClusterConfigHelp />
        </Box>
      </div>
    ) : (
      <Typography variant="body2" color="textSecondary">
        Loading environments…
      </Typography>
    );
  } else if (model.empty === 'no-clusters') {
    body = (
      <div data-testid="no-clusters">
        <Typography variant="body2" paragraph>
          <strong>No Kubernetes cluster is configured</strong>, so there is nothing to show for{' '}
          {model.expectedEnvironments.length > 0 ? englishList(model.expectedEnvironments) : 'this service'} yet.
        </Typography>
        <ClusterConfigHelp />
      </div>
    );
  } else {
    body = (
      <>
        {error && (
          <div className={classes.error} role="alert">
            <Typography variant="body2">
              Refresh failed: {error}. Showing the answer from {lastUpdated !== undefined ? formatAgo(lastUpdated, now) : 'earlier'}.
            </Typography>
          </div>
        )}
        {model.clusterProblems.map(problem => (
          <ProblemBox key={problem.cluster} problem={problem} />
        ))}
        {model.rows.length > 0 ? (
          <EnvironmentsTable rows={model.rows} />
        ) : (
          <Typography variant="body2">No environments found.</Typography>
        )}
        {model.empty === 'no-objects' && (
          <Box mt={2} data-testid="no-objects">
            <Typography variant="body2" paragraph>
              No cluster has objects labelled <Mono>{selector}</Mono> yet
              {model.configuredClusters?.length ? ` (clusters: ${model.configuredClusters.join(', ')})` : ''}: nothing is
              deployed. Argo CD deploys an environment once CI pins its first image.
            </Typography>
            {!model.configuredClusters && <ClusterConfigHelp />}
          </Box>
        )}
        {model.manifestsUrl && (
          <Box mt={2} data-testid="manifests-location">
            <Typography variant="body2" color="textSecondary">
              Manifests: <ExternalLink href={model.manifestsUrl}>{model.manifestsUrl.replace(/^https?:\/\//, '')}</ExternalLink> (the
              system's config repo, which Argo CD syncs and CI bumps)
            </Typography>
          </Box>
        )}
      </>
    );
  }

  return (
    <Card className={classes.card} data-testid="gitops-environments-card">
      <CardHeader
        title="GitOps environments"
        titleTypographyProps={{ variant: 'h5', component: 'h2' } as object}
        subheader={<RefreshStatus loading={loading} lastUpdated={lastUpdated} now={now} refreshIntervalMs={refreshIntervalMs} />}
      />
      <div className={classes.progress}>
        {loading && <LinearProgress className={classes.progress} aria-label="refreshing" data-testid="refresh-progress" />}
      </div>
      <Divider />
      <CardContent className={classes.content}>{body}</CardContent>
    </Card>
  );
}
