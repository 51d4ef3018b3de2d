import DataLoader from 'dataloader';

/**
 * Lets `limit` batches run at once. A batch that finds every slot busy waits, and keeps gathering
 * the items that arrive meanwhile: under load, batches grow instead of queueing up for pool
 * connections; when idle, an item goes once the current turn of the event loop ends.
 */
export function createFlushSlots(limit: number) {
  let busy = 0;
  const waiting: Array<() => void> = [];
  const pump = () => {
    while (busy < limit && waiting.length > 0) {
      busy += 1;
      waiting.shift()!();
    }
  };
  return {
    /** DataLoader's `batchScheduleFn`: items of the same turn of the event loop always join the batch. */
    schedule(dispatch: () => void): void {
      waiting.push(dispatch);
      // After this turn's I/O callbacks: the jobs of one read from Redis (BullMQ hands them over one
      // callback each) join one batch instead of one statement each.
      setImmediate(pump);
    },
    release(): void {
      busy -= 1;
      pump();
    },
  };
}

export type FlushSlots = ReturnType<typeof createFlushSlots>;

const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

/**
 * Batches a statement: `load(item)` resolves with that item's result from one `runBatch` call over
 * every item gathered with it. When a batch fails because of its data (`isItemError`), its items
 * are run one by one, so one bad item fails alone and the rest go through; any other failure (the
 * database is away) fails the whole batch at once.
 */
export function createBatcher<T, R>(
  runBatch: (items: readonly T[]) => Promise<R[]>,
  slots: FlushSlots,
  isItemError: (err: unknown) => boolean = () => false,
  maxBatchSize = 500,
): DataLoader<T, R> {
  const writeAll = async (items: readonly T[]): Promise<Array<R | Error>> => {
    try {
      return await runBatch(items);
    } catch (err) {
      if (items.length === 1 || !isItemError(err)) return items.map(() => asError(err));
      return Promise.all(items.map((item) => runBatch([item]).then((r) => r[0]!, asError)));
    }
  };
  return new DataLoader<T, R>((items) => writeAll(items).finally(slots.release), {
    cache: false,
    maxBatchSize,
    batchScheduleFn: slots.schedule,
  });
}
