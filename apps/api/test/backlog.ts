import { randomUUID } from 'node:crypto';
import type { RefreshPayload } from '@gitsync/queue';

/** A background job for a chat that does not exist: the worker runs it and writes nothing. */
export const backlogPayload = (): RefreshPayload => ({
  chatId: randomUUID(),
  ownerId: randomUUID(),
  branch: 'main',
  remoteOrigin: 'https://backlog.invalid/acme/app.git',
  url: null,
  generation: 0,
  pullEtag: null,
  reviewsEtag: null,
  markedStaleAt: null,
});
