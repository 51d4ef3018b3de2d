import type { RedisConnection } from '@gitsync/redis';
import type { ProviderConfig } from '@gitsync/config';
import type { Database, TokenCipher } from '@gitsync/db';
import type { ChangePublisher } from '@gitsync/events';

/** What the routes need from the outside world. */
export interface ApiContext {
  db: Database;
  /** Fail-fast connection for publishing and waking schedulers. */
  redis: RedisConnection;
  publisher: ChangePublisher;
  providers: ProviderConfig[];
  queuePrefix: string;
  /** Seals provider tokens at rest; null stores them in plain text. @defaultValue null */
  tokenCipher?: TokenCipher | null;
}
