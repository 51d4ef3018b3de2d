import { refreshChat, type RefreshDeps } from './refresh.js';
import { systemClock, type RefreshStore, type RefreshTarget } from './ports.js';
import { defaultTimings } from './timings.js';

const target: RefreshTarget = {
  chatId: 'c1',
  ownerId: 'u1',
  branch: 'feat/x',
  remoteOrigin: 'https://example.test/o/r',
  url: null,
  generation: 1,
  pullEtag: null,
  reviewsEtag: null,
  markedStaleAt: null,
  refreshedAt: null,
  pullRequestState: null,
  headBranch: null,
  headSha: null,
  reportedHeadSha: null,
  checkRunsEtag: null,
  statusesEtag: null,
  checkRunsTally: null,
  statusesTally: null,
  refreshIntervalClass: 'no_pr',
  refreshIntervalMs: null,
};

/** A store that records which of its two faces (batched, urgent) served each call. */
function recordingStore(calls: string[]): RefreshStore<never> {
  const face = (name: string): Omit<RefreshStore<never>, 'urgent'> => ({
    load: async () => (calls.push(`${name} load`), target),
    saveRefreshed: async () => (calls.push(`${name} saveRefreshed`), { written: true, change: null }),
    saveOutcome: async () => (calls.push(`${name} saveOutcome`), { written: true, change: null }),
  });
  return { ...face('batched'), urgent: face('urgent') };
}

function deps(calls: string[]): RefreshDeps<never> {
  return {
    // No provider serves the origin: the refresh records `no_provider` through the store.
    providers: [],
    tokens: { getToken: async () => 'token' },
    store: recordingStore(calls),
    publisher: { publish: async () => undefined },
    pacer: { forGroup: () => ({ acquire: async () => () => undefined }) },
    clock: systemClock,
    timings: defaultTimings,
  };
}

describe('refreshChat for a refresh somebody waits for (urgent)', () => {
  it('reads and writes through the store’s urgent face', async () => {
    const calls: string[] = [];
    const result = await refreshChat('c1', deps(calls), { urgent: true });
    expect(result?.outcome).toBe('no_provider');
    expect(calls).toEqual(['urgent load', 'urgent saveOutcome']);
  });

  it('keeps a background refresh on the batched face', async () => {
    const calls: string[] = [];
    await refreshChat('c1', deps(calls));
    expect(calls).toEqual(['batched load', 'batched saveOutcome']);
  });

  it('uses the store itself when it has no urgent face', async () => {
    const calls: string[] = [];
    const store = recordingStore(calls);
    delete (store as { urgent?: unknown }).urgent;
    await refreshChat('c1', { ...deps([]), store }, { urgent: true });
    expect(calls).toEqual(['batched load', 'batched saveOutcome']);
  });
});
