import { makeDueWithin, type Database } from '@gitsync/db';

/**
 * How soon a row whose refresh was dropped comes back: the agent reported again while the row was
 * being refreshed, so the result was for an older report and nothing was written (row-version.ts).
 * Not at once: the dropped refresh's job is still in the queue until its handler returns, and
 * BullMQ's deduplication by chat id would swallow the job the scheduler adds meanwhile.
 */
export const REQUEUE_MOVED_MS = 1_000;

/** Makes the rows that moved on during their refresh due again, within {@link REQUEUE_MOVED_MS}. */
export const requeueMoved = (db: Database, chatIds: readonly string[]) => makeDueWithin(db, chatIds, REQUEUE_MOVED_MS);
