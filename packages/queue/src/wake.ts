import type { RedisConnection } from '@gitsync/redis';

/** The channel on which a report of the agent wakes the schedulers, so a due row never waits a tick. */
export const wakeChannel = (prefix: string) => `${prefix}:scheduler:wake`;

export async function wakeSchedulers(redis: RedisConnection, prefix: string): Promise<void> {
  await redis.publish(wakeChannel(prefix), '1');
}

/** Calls `onWake` for every wake-up; `subscriber` becomes a subscriber-only connection. */
export async function onSchedulerWake(subscriber: RedisConnection, prefix: string, onWake: () => void): Promise<void> {
  subscriber.on('message', (channel: string) => {
    if (channel === wakeChannel(prefix)) onWake();
  });
  await subscriber.subscribe(wakeChannel(prefix));
}
