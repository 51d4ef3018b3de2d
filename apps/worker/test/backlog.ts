import { randomUUID } from 'node:crypto';
import type { RefreshPayload } from '@gitsync/queue';

/** A background job for a chat that does not exist: the worker runs it and writes nothing. */
export const backlogPayload = (): RefreshPayload => ({ chatId: randomUUID(), generation: 0 });
