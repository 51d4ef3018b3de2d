import type { RedisConnection } from '@gitsync/redis';
import { ownerChannel, type DiffStatusChangeEvent } from '@gitsync/contracts';

export interface ChangePublisher {
  publish(event: DiffStatusChangeEvent): Promise<void>;
}

/** Publishes on Redis pub/sub so that every API replica's event stream sees every worker's change. */
export function createRedisPublisher(redis: RedisConnection): ChangePublisher {
  return {
    async publish(event) {
      await redis.publish(ownerChannel(event.chat.owner_id), JSON.stringify(event));
    },
  };
}

export * from './hub.js';
