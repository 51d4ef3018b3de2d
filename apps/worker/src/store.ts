import type { DiffStatusChangeEvent } from '@gitsync/contracts';
import {
  createRefreshTargetLoader,
  diffStatusChange,
  isDataError,
  saveOutcomeBatch,
  saveRefreshedBatch,
  type Database,
  type SaveResult,
} from '@gitsync/db';
import type { OutcomeWrite, RefreshedWrite, RefreshStore, RefreshTarget } from '@gitsync/gitsync';
import { requeueMoved } from '@gitsync/schedule-engine';
import { createBatcher, createFlushSlots } from './batches.js';

/**
 * The refresh pipeline's store on Postgres; what it hands back is the event to publish. Concurrent
 * jobs are served together: the rows they point at are read in one statement, their results
 * written in one statement per kind, at most two statements of each at a time. On-demand jobs use
 * its `urgent` face, whose statements are their own.
 */
export function createRefreshStore(db: Database): RefreshStore<DiffStatusChangeEvent> {
  const loadTargets = createRefreshTargetLoader(db);
  const loadTarget = async (chatId: string) => (await loadTargets([chatId]))[0] ?? null;
  const targets = createBatcher(async (chatIds: readonly string[]): Promise<Array<RefreshTarget | null>> => {
    const byId = new Map((await loadTargets(chatIds)).map((row) => [row.chatId, row]));
    return chatIds.map((id) => byId.get(id) ?? null);
  }, createFlushSlots(2));

  /**
   * One write-back kind. Rows that moved on while they were refreshed (nothing written) get
   * another refresh soon: schedule-engine's requeue policy.
   */
  const writeBack =
    <W extends { chatId: string }>(save: (db: Database, writes: readonly W[]) => Promise<SaveResult[]>) =>
    async (writes: readonly W[]) => {
      const saved = await save(db, writes);
      await requeueMoved(
        db,
        writes.filter((_, i) => !saved[i]?.written).map((w) => w.chatId),
      );
      return saved;
    };
  const writeSlots = createFlushSlots(2);
  const writeRefreshed = writeBack<RefreshedWrite>(saveRefreshedBatch);
  const writeOutcome = writeBack<OutcomeWrite>(saveOutcomeBatch);
  const refreshed = createBatcher(writeRefreshed, writeSlots, isDataError);
  const outcomes = createBatcher(writeOutcome, writeSlots, isDataError);
  const event = (saved: SaveResult) => ({
    written: saved.written,
    change: saved.change && diffStatusChange(saved.change.chat, saved.change.status),
  });
  const alone = async <W>(write: (writes: readonly W[]) => Promise<SaveResult[]>, item: W) =>
    event((await write([item]))[0]!);

  return {
    load: (chatId) => targets.load(chatId),
    saveRefreshed: async (write) => event(await refreshed.load(write)),
    saveOutcome: async (write) => event(await outcomes.load(write)),
    // Somebody waits for this refresh: its statements go at once, beside the batches in flight,
    // instead of waiting for a free slot and the batch that gathers meanwhile (milliseconds under load).
    urgent: {
      load: loadTarget,
      saveRefreshed: (write) => alone(writeRefreshed, write),
      saveOutcome: (write) => alone(writeOutcome, write),
    },
  };
}

export { createTokenStore } from '@gitsync/db';
