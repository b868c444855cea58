/** @jest-environment jsdom */
import { act, render, screen, waitFor, within } from '@testing-library/react';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useKubernetesObjects } from '@backstage/plugin-kubernetes-react';
import { healthy, scenarioEntity, scenarioResponse, ScenarioResponse } from '../__fixtures__/scenarios';
import { GitOpsEnvironmentsCard } from './GitOpsEnvironmentsCard';

// The card's only data source is Backstage's Kubernetes backend, through these hooks.
jest.mock('@backstage/plugin-kubernetes-react', () => ({
  useKubernetesObjects: jest.fn(),
  kubernetesApiRef: { id: 'plugin.kubernetes.service' },
}));
jest.mock('@backstage/core-plugin-api', () => ({ useApi: jest.fn() }));
jest.mock('@backstage/plugin-catalog-react', () => ({ useEntity: jest.fn() }));

const mockUseKubernetesObjects = useKubernetesObjects as jest.MockedFunction<typeof useKubernetesObjects>;
const getClusters = jest.fn();

type HookResult = { kubernetesObjects?: ScenarioResponse; loading: boolean; error?: string };
function answer(result: HookResult) {
  mockUseKubernetesObjects.mockReturnValue(result as ReturnType<typeof useKubernetesObjects>);
}

const entity = scenarioEntity();

beforeEach(() => {
  jest.useFakeTimers({ now: new Date('2026-03-01T12:00:00Z') });
  (useEntity as jest.Mock).mockReturnValue({ entity });
  (useApi as jest.Mock).mockReturnValue({ getClusters });
  getClusters.mockReset();
  mockUseKubernetesObjects.mockReset();
});

afterEach(() => {
  jest.useRealTimers();
});

describe('GitOpsEnvironmentsCard wiring', () => {
  it('polls useKubernetesObjects for the entity every 10 s by default, or as configured', () => {
    answer({ loading: true });
    const { rerender } = render(<GitOpsEnvironmentsCard />);
    expect(mockUseKubernetesObjects).toHaveBeenLastCalledWith(entity, 10_000);
    expect(screen.getByRole('progressbar')).toBeTruthy();
    rerender(<GitOpsEnvironmentsCard refreshIntervalMs={30_000} />);
    expect(mockUseKubernetesObjects).toHaveBeenLastCalledWith(entity, 30_000);
    expect(screen.getByTestId('refresh-status').textContent).toBe('loading…');
  });

  it('renders the answer and counts the seconds since it arrived', () => {
    const response = scenarioResponse(healthy({ now: new Date() }));
    answer({ kubernetesObjects: response, loading: false });
    render(<GitOpsEnvironmentsCard />);
    expect(within(screen.getByTestId('environment-production')).getByText('Synced · Healthy')).toBeTruthy();
    expect(screen.getByTestId('refresh-status').textContent).toBe('updated just now · refreshes every 10 s');
    act(() => {
      jest.advanceTimersByTime(3000);
    });
    expect(screen.getByTestId('refresh-status').textContent).toBe('updated 3 s ago · refreshes every 10 s');
    expect(getClusters).not.toHaveBeenCalled();
  });

  it('shows the refresh in progress, then the new answer', () => {
    const response = scenarioResponse(healthy({ now: new Date() }));
    answer({ kubernetesObjects: response, loading: false });
    const { rerender } = render(<GitOpsEnvironmentsCard />);
    act(() => {
      jest.advanceTimersByTime(10_000);
    });
    answer({ kubernetesObjects: response, loading: true });
    rerender(<GitOpsEnvironmentsCard />);
    expect(screen.getByRole('progressbar', { name: 'refreshing' })).toBeTruthy();
    expect(screen.getByTestId('refresh-status').textContent).toBe('updated 10 s ago · refreshes every 10 s · refreshing…');
    answer({ kubernetesObjects: { ...response }, loading: false });
    rerender(<GitOpsEnvironmentsCard />);
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.getByTestId('refresh-status').textContent).toBe('updated just now · refreshes every 10 s');
  });

  it('keeps the last answer when a refresh fails (the hook drops its value)', () => {
    const response = scenarioResponse(healthy({ now: new Date() }));
    answer({ kubernetesObjects: response, loading: false });
    const { rerender } = render(<GitOpsEnvironmentsCard />);
    act(() => {
      jest.advanceTimersByTime(20_000);
    });
    answer({ kubernetesObjects: undefined, loading: false, error: 'Request failed with 502 Bad Gateway' });
    rerender(<GitOpsEnvironmentsCard />);
    expect(screen.getByRole('alert').textContent).toBe('Refresh failed: Request failed with 502 Bad Gateway. Showing the answer from 20 s ago.');
    expect(within(screen.getByTestId('environment-staging')).getByText('Synced · Healthy')).toBeTruthy();
  });

  it('asks the Kubernetes backend for its clusters when nothing came back: none configured', async () => {
    getClusters.mockResolvedValue([]);
    answer({ kubernetesObjects: { items: [] }, loading: false });
    render(<GitOpsEnvironmentsCard />);
    await waitFor(() => expect(screen.getByTestId('no-clusters')).toBeTruthy());
    expect(getClusters).toHaveBeenCalled();
  });

  it('asks the Kubernetes backend for its clusters when nothing came back: configured, nothing deployed', async () => {
    getClusters.mockResolvedValue([{ name: 'local', authProvider: 'localKubectlProxy' }]);
    answer({ kubernetesObjects: { items: [] }, loading: false });
    render(<GitOpsEnvironmentsCard />);
    await waitFor(() => expect(screen.getByTestId('no-objects').textContent).toContain('(clusters: local)'));
    expect(within(screen.getByTestId('environment-production')).getByText('not deployed')).toBeTruthy();
  });

  it('still says "not deployed" when the cluster list cannot be read', async () => {
    getClusters.mockRejectedValue(new Error('nope'));
    answer({ kubernetesObjects: { items: [] }, loading: false });
    render(<GitOpsEnvironmentsCard />);
    await act(async () => {
      await Promise.resolve();
    });
    expect(within(screen.getByTestId('environment-staging')).getByText('not deployed')).toBeTruthy();
    expect(screen.getByText(/authProvider: localKubectlProxy/)).toBeTruthy();
  });
});
