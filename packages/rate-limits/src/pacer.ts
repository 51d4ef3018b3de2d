import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimitError, type RequestPacer, type ResponseInfo } from '@gitsync/gitprovider';
import { blockedGroupsKey, blockKey } from './gate.js';
import { withPaceScript, type PaceRedis } from './pace-script.js';

export interface GroupPacerOptions {
  redis: Redis;
  prefix: string;
  /** Requests one group may have in flight across every replica. @defaultValue 50 */
  maxInFlight?: number;
  /** Requests left untouched in the group's budget. @defaultValue 0 */
  reserve?: number;
  /** A slot of a crashed replica frees itself after this long. @defaultValue 30 s */
  slotLeaseMs?: number;
  /** Added to the reset time when the budget is spent. @defaultValue 5 s */
  paddingMs?: number;
  /** Pause between tries while the group is at its in-flight bound. @defaultValue 20 ms */
  retryDelayMs?: number;
  now?: () => number;
}

interface Waiter {
  slot: string;
  granted: (release: (info: ResponseInfo) => void) => void;
  refused: (err: unknown) => void;
}

interface Release {
  group: string;
  slot: string;
  info: ResponseInfo;
}

/**
 * Paces every replica's requests of each rate-limit group through Redis (see pace-script.ts for
 * the rules). What the process asks meanwhile — slots freed and slots wanted, of any group — goes
 * in one script call, one call at a time: a refresh's two requests cost one round trip between
 * them, and under load one call serves many refreshes.
 */
export class RedisGroupPacer {
  private readonly redis: PaceRedis;
  private readonly maxInFlight: number;
  private readonly reserve: number;
  private readonly slotLeaseMs: number;
  private readonly paddingMs: number;
  private readonly retryDelayMs: number;
  private readonly now: () => number;
  private readonly slotPrefix = randomBytes(6).toString('base64url');
  private nextSlot = 0;
  private acquires = new Map<string, Waiter[]>();
  private releases: Release[] = [];
  /** Groups at their bound, tried again after `retryDelayMs`. */
  private busy = new Map<string, Waiter[]>();
  private busyTimer: NodeJS.Timeout | null = null;
  private sending = false;
  private scheduled = false;

  constructor(private readonly options: GroupPacerOptions) {
    this.maxInFlight = options.maxInFlight ?? 50;
    this.reserve = options.reserve ?? 0;
    this.slotLeaseMs = options.slotLeaseMs ?? 30_000;
    this.paddingMs = options.paddingMs ?? 5_000;
    this.retryDelayMs = options.retryDelayMs ?? 20;
    this.now = options.now ?? Date.now;
    this.redis = withPaceScript(options.redis);
  }

  forGroup(group: string): RequestPacer {
    return {
      acquire: () =>
        new Promise((granted, refused) => {
          const slot = `${this.slotPrefix}${(this.nextSlot++).toString(36)}`;
          push(this.acquires, group, { slot, granted, refused });
          this.schedule();
        }),
    };
  }

  private keys(group: string) {
    const { prefix } = this.options;
    return { block: blockKey(prefix, group), budget: `${prefix}:budget:${group}`, inflight: `${prefix}:inflight:${group}` };
  }

  private schedule(): void {
    if (this.sending || this.scheduled) return;
    this.scheduled = true;
    // Next tick: what the same turn of the event loop asks (a refresh's two requests) goes together.
    process.nextTick(() => {
      this.scheduled = false;
      void this.send();
    });
  }

  private async send(): Promise<void> {
    if (this.acquires.size === 0 && this.releases.length === 0) return;
    const acquires = this.acquires;
    const releases = this.releases;
    this.acquires = new Map();
    this.releases = [];
    this.sending = true;
    const now = this.now();
    const keys = [blockedGroupsKey(this.options.prefix)];
    const args = [now, now + this.slotLeaseMs, this.maxInFlight, this.reserve, this.paddingMs, releases.length, acquires.size].map(String);
    for (const { group, slot, info } of releases) {
      const { budget, inflight } = this.keys(group);
      const known = info.remaining !== null && info.resetAt !== null;
      keys.push(budget, inflight);
      args.push(slot, known ? String(info.remaining) : '', known ? String(info.resetAt!.getTime()) : '');
    }
    for (const [group, waiters] of acquires) {
      const { block, budget, inflight } = this.keys(group);
      keys.push(block, budget, inflight);
      args.push(String(waiters.length), ...waiters.map((w) => w.slot));
    }
    try {
      const answer = await this.redis.gitsyncPace(keys.length, ...keys, ...args);
      let i = 0;
      for (const [group, waiters] of acquires) {
        const granted = Number(answer[i]);
        const verdict = String(answer[i + 1]);
        const until = Number(answer[i + 2]);
        i += 3;
        for (const w of waiters.slice(0, granted)) w.granted((info) => this.release(group, w.slot, info));
        const rest = waiters.slice(granted);
        if (verdict === 'busy') for (const w of rest) push(this.busy, group, w);
        else for (const w of rest) w.refused(new RateLimitError(new Date(until), 0));
      }
    } catch (err) {
      // A lost release only costs its slot until the lease ends; the acquires fail with their jobs.
      for (const waiters of acquires.values()) for (const w of waiters) w.refused(err);
    } finally {
      this.sending = false;
      if (this.busy.size > 0) this.retryBusyLater();
      this.schedule();
    }
  }

  private release(group: string, slot: string, info: ResponseInfo): void {
    this.releases.push({ group, slot, info });
    this.schedule();
  }

  private retryBusyLater(): void {
    if (this.busyTimer) return;
    this.busyTimer = setTimeout(() => {
      this.busyTimer = null;
      for (const [group, waiters] of this.busy) for (const w of waiters) push(this.acquires, group, w);
      this.busy = new Map();
      this.schedule();
    }, this.retryDelayMs);
  }
}

function push<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}
