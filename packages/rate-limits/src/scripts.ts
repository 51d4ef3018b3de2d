import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RedisConnection } from '@gitsync/redis';

/**
 * The Lua scripts of this package, kept as files in `commands/` (`<name>-<number of keys>.lua`,
 * each with a header naming its keys, arguments and answer) as BullMQ keeps its own.
 */
const script = (file: string) => readFileSync(path.join(__dirname, 'commands', file), 'utf8');

export type PaceAnswer = [granted: number, verdict: string, until: string, blockSet: string, blockKind: string];

export type ScriptedRedis = RedisConnection & {
  gitsyncPace(block: string, budget: string, inflight: string, ...args: string[]): Promise<PaceAnswer>;
};

/** Registers the scripts once per connection, so each call is an EVALSHA, not the whole script. */
export function withScripts(redis: RedisConnection): ScriptedRedis {
  const r = redis as ScriptedRedis;
  if (typeof r.gitsyncPace !== 'function')
    redis.defineCommand('gitsyncPace', { numberOfKeys: 3, lua: script('pace-3.lua') });
  return r;
}
