import { randomBytes } from 'node:crypto';
import type { RedisConnection } from '@gitsync/redis';
import { RateLimitError, type PacingOptions, type RequestPacer, type ResponseInfo } from '@gitsync/gitprovider';
import { RATE_LIMIT_BLOCK_KINDS } from '@gitsync/contracts';
import { blockedGroupsKey, groupKeys } from './keys.js';
import { withScripts, type PaceAnswer, type ScriptedRedis } from './scripts.js';

export interface GroupPacerOptions {
  redis: RedisConnection;
  prefix: string;
  /** Requests one group may have in flight across every replica. @defaultValue 50 */
  maxInFlight?: number;
  /** Requests one group may have in flight in this process. @defaultValue 10 */
  perProcess?: number;
  /** Requests left untouched in the group's budget. @defaultValue 0 */
  reserve?: number;
  /**
   * Requests one group may start per minute across every replica, 304s included (GitHub's
   * secondary limit is 900 points a minute). 0: no ceiling. @defaultValue 0
   */
  requestsPerMinute?: number;
  /** A slot of a crashed replica frees itself after this long. @defaultValue 30 s */
  slotLeaseMs?: number;
  /** Added to the reset time when the budget is spent. @defaultValue 5 s */
  paddingMs?: number;
  /** Pause between tries while the group is at its in-flight bound. @defaultValue 20 ms */
  retryDelayMs?: number;
  /**
   * A freed slot waits this long for the next call to Redis (of any group) before one is made for
   * it alone; a rate-limit answer goes at once. @defaultValue 20 ms
   */
  releaseDelayMs?: number;
  now?: () => number;
}

interface Waiter {
  slot: string;
  urgent: boolean;
  granted: (release: (info: ResponseInfo) => void) => void;
  refused: (err: unknown) => void;
}

/** What this process holds and wants of one group. */
interface GroupState {
  /** Slots held or being asked for in this process: at most `perProcess`. */
  held: number;
  /** Waiting for one of this process's slots. */
  queued: Waiter[];
  /** For the next call to Redis. */
  asking: Waiter[];
  /** Slots freed since the last call, with what their answers said. */
  releases: Array<{ slot: string; info: ResponseInfo }>;
  /** The group's block as last seen (ms): refused here until then, without asking Redis. */
  blockedUntil: number;
}

/** One script call: a group's freed slots and wanted slots. */
interface PaceCall {
  group: string;
  state: GroupState;
  asking: Waiter[];
  args: [string, string, string, ...string[]];
}

type PacePipeline = Pick<ScriptedRedis, 'gitsyncPace'> & { exec(): Promise<Array<[Error | null, unknown]> | null> };

/** Refusals by our own pacer: the block is already shared. */
const PACER = { kind: 'pacer' } as const;

const known = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));

/**
 * Paces every replica's requests of each rate-limit group (see commands/pace-3.lua for the rules).
 *
 * Why a block per group in Redis, and not BullMQ's own tools:
 * - `worker.rateLimit()` + `RateLimitError` pauses a whole queue: one limited token would stop every
 *   other token's refreshes (one queue per provider would still mix all tokens of a provider).
 * - A per-group key with `moveToDelayed` + `DelayedError` keeps one queue, but parks the group's jobs
 *   in Redis until the reset — up to an hour of delayed jobs that a Redis flush would lose.
 * So a refused request fails its job's refresh with the `rate_limited` outcome: the job completes,
 * the row's stale_at becomes the reset plus padding and the scheduler enqueues it again then.
 * Postgres, not Redis, holds the wait; no attempt is used and other groups are not slowed at all.
 * In this process a group has at most `perProcess` requests out (the rest wait here, costing
 * Redis nothing); what the process asks meanwhile — slots freed and slots wanted — goes in one
 * script call per group, all groups' calls in one pipelined round trip, one round trip at a time.
 * A block the provider announced travels with the freed slot, so every replica stops at once.
 */
export class RedisGroupPacer {
  private readonly redis: ScriptedRedis;
  private readonly maxInFlight: number;
  private readonly perProcess: number;
  private readonly reserve: number;
  private readonly requestsPerMinute: number;
  private readonly slotLeaseMs: number;
  private readonly paddingMs: number;
  private readonly retryDelayMs: number;
  private readonly releaseDelayMs: number;
  private releaseTimer: NodeJS.Timeout | null = null;
  /** A rate-limit answer waits for the next call: it goes without the release delay. */
  private blockToShare = false;
  private readonly now: () => number;
  private readonly slotPrefix = randomBytes(6).toString('base64url');
  private nextSlot = 0;
  private readonly groups = new Map<string, GroupState>();
  /**
   * Groups with something for the next call (slots asked for or freed): a flush visits these, not
   * every group this process holds slots of (hundreds under load, most with nothing to say).
   */
  private pending = new Set<string>();
  /** Groups at their in-flight bound: asked again after `retryDelayMs`. */
  private busy = new Map<string, Waiter[]>();
  private busyTimer: NodeJS.Timeout | null = null;
  private sending = false;
  private scheduled = false;

  constructor(private readonly options: GroupPacerOptions) {
    this.maxInFlight = options.maxInFlight ?? 50;
    this.perProcess = options.perProcess ?? 10;
    this.reserve = options.reserve ?? 0;
    this.requestsPerMinute = options.requestsPerMinute ?? 0;
    this.slotLeaseMs = options.slotLeaseMs ?? 30_000;
    this.paddingMs = options.paddingMs ?? 5_000;
    this.retryDelayMs = options.retryDelayMs ?? 20;
    this.releaseDelayMs = options.releaseDelayMs ?? 20;
    this.now = options.now ?? Date.now;
    this.redis = withScripts(options.redis);
  }

  /**
   * `urgent` requests ask Redis at once, each in a call of its own beside any call in flight, and go
   * ahead of the group's waiting requests in this process, instead of waiting for the next batched call.
   */
  forGroup(group: string, options: PacingOptions = {}): RequestPacer {
    const urgent = options.urgent === true;
    return {
      acquire: () =>
        new Promise((granted, refused) => {
          const slot = `${this.slotPrefix}${(this.nextSlot++).toString(36)}`;
          const state = this.state(group);
          const waiter = { slot, urgent, granted, refused };
          // Urgent requests queue behind urgent ones only.
          const behind = urgent ? state.queued.findIndex((w) => !w.urgent) : -1;
          if (behind === -1) state.queued.push(waiter);
          else state.queued.splice(behind, 0, waiter);
          this.admit(group, state);
        }),
    };
  }

  private state(group: string): GroupState {
    let state = this.groups.get(group);
    if (!state) {
      state = { held: 0, queued: [], asking: [], releases: [], blockedUntil: 0 };
      this.groups.set(group, state);
    }
    return state;
  }

  /** Moves queued requests into this process's slots, refusing them at once while the group is blocked. */
  private admit(group: string, state: GroupState): void {
    while (state.queued.length > 0) {
      if (state.blockedUntil > this.now()) {
        for (const w of state.queued.splice(0)) w.refused(new RateLimitError(new Date(state.blockedUntil), PACER));
        break;
      }
      if (state.held >= this.perProcess) break;
      state.held += 1;
      const waiter = state.queued.shift()!;
      if (waiter.urgent) {
        void this.sendAlone(group, state, waiter);
        continue;
      }
      state.asking.push(waiter);
      this.pending.add(group);
      this.schedule();
    }
    const idle = state.held === 0 && state.queued.length === 0 && state.releases.length === 0;
    if (idle && state.blockedUntil <= this.now()) this.groups.delete(group);
  }

  /** One of this process's slots of the group is free again (its request ended, or it was refused). */
  private free(group: string, state: GroupState): void {
    state.held -= 1;
    this.admit(group, state);
  }

  private release(group: string, slot: string, info: ResponseInfo): void {
    const state = this.state(group);
    state.releases.push({ slot, info });
    this.pending.add(group);
    if (info.blockedUntil) {
      state.blockedUntil = Math.max(state.blockedUntil, info.blockedUntil.getTime());
      this.blockToShare = true;
      this.schedule();
    } else this.scheduleRelease();
    this.free(group, state);
  }

  /**
   * A freed slot rides along with the next call (a refresh's next request usually follows within
   * the same turn): most calls then carry a group's releases and its acquires together, and the
   * slot stays counted in Redis a few milliseconds longer. Redis calls per refresh drop by about a
   * third; each call is a write to the socket, the largest CPU cost of the pacer.
   */
  private scheduleRelease(): void {
    if (this.releaseTimer || this.sending || this.scheduled) return;
    this.releaseTimer = setTimeout(() => this.schedule(), this.releaseDelayMs);
    this.releaseTimer.unref();
  }

  private schedule(): void {
    if (this.sending || this.scheduled) return;
    this.scheduled = true;
    // After this turn's I/O callbacks: what they ask goes together — answers that arrived in one read
    // and the requests that follow them, so a freed slot and its group's next request share one call.
    setImmediate(() => {
      this.scheduled = false;
      void this.send();
    });
  }

  private async send(): Promise<void> {
    if (this.releaseTimer) clearTimeout(this.releaseTimer);
    this.releaseTimer = null;
    this.blockToShare = false;
    const now = this.now();
    const calls: PaceCall[] = [];
    const pending = this.pending;
    this.pending = new Set();
    for (const group of pending) {
      const state = this.groups.get(group);
      if (!state || (state.asking.length === 0 && state.releases.length === 0)) continue;
      const asking = state.asking;
      state.asking = [];
      calls.push(this.call(group, state, asking, now));
    }
    if (calls.length === 0) return;
    const pipeline = this.redis.pipeline() as unknown as PacePipeline;
    for (const call of calls) void pipeline.gitsyncPace(...call.args);
    this.sending = true;
    try {
      const results = (await pipeline.exec()) ?? [];
      calls.forEach((call, i) => {
        const [err, answer] = results[i] ?? [new Error('no answer from Redis')];
        this.settle(call, err, answer as PaceAnswer | undefined);
      });
    } catch (err) {
      // A lost release only costs its slot until the lease ends; the acquires fail with their jobs.
      for (const call of calls) this.settle(call, err, undefined);
    } finally {
      this.sending = false;
      if (this.busy.size > 0) this.retryBusyLater();
      let asking = this.blockToShare;
      let releasing = false;
      for (const group of this.pending) {
        const g = this.groups.get(group);
        asking ||= (g?.asking.length ?? 0) > 0;
        releasing ||= (g?.releases.length ?? 0) > 0;
      }
      if (asking) this.schedule();
      else if (releasing) this.scheduleRelease();
    }
  }

  /** The group's call: the slots freed since its last call (taken from `state`), then `asking`. */
  private call(group: string, state: GroupState, asking: Waiter[], now: number): PaceCall {
    const releases = state.releases;
    state.releases = [];
    const { block, budget, inflight } = groupKeys(this.options.prefix, group);
    const args = [
      now,
      now + this.slotLeaseMs,
      this.maxInFlight,
      this.reserve,
      this.paddingMs,
      this.requestsPerMinute,
      ...mergeAnswers(releases.map((r) => r.info)),
      releases.length,
      ...releases.map((r) => r.slot),
      asking.length,
      ...asking.map((w) => w.slot),
    ].map(String);
    return { group, state, asking, args: [block, budget, inflight, ...args] };
  }

  /**
   * An urgent request's call, sent now whatever is in flight (the group's freed slots go with it).
   * Two calls of one group may then run at once: each script call is atomic, and what they write
   * (slots, the smaller remaining of a window, the later block) does not depend on their order.
   */
  private async sendAlone(group: string, state: GroupState, waiter: Waiter): Promise<void> {
    const call = this.call(group, state, [waiter], this.now());
    try {
      this.settle(call, null, await this.redis.gitsyncPace(...call.args));
    } catch (err) {
      this.settle(call, err, undefined);
    }
    if (this.busy.size > 0) this.retryBusyLater();
  }

  private settle(
    { group, state, asking }: Pick<PaceCall, 'group' | 'state' | 'asking'>,
    err: unknown,
    answer: PaceAnswer | undefined,
  ): void {
    if (err || !answer) {
      for (const w of asking) {
        w.refused(err);
        this.free(group, state);
      }
      return;
    }
    const [granted, verdict, until, blockSet, blockKind] = answer;
    if (Number(blockSet) > 0) this.indexBlock(group, Number(blockSet), blockKind);
    for (const w of asking.slice(0, granted)) w.granted((info) => this.release(group, w.slot, info));
    const rest = asking.slice(granted);
    if (verdict === 'busy') {
      for (const w of rest) push(this.busy, group, w);
      return;
    }
    if (rest.length === 0) return;
    state.blockedUntil = Math.max(state.blockedUntil, Number(until));
    for (const w of rest) {
      w.refused(new RateLimitError(new Date(Number(until)), PACER));
      this.free(group, state);
    }
  }

  /** Lists the block for the API's rate-limited-groups metrics; a lost entry only skews the gauges. */
  private indexBlock(group: string, until: number, kind: string): void {
    const member = groupKeys(this.options.prefix, group).block;
    const multi = this.options.redis.multi().zadd(blockedGroupsKey(this.options.prefix), until, member);
    for (const other of RATE_LIMIT_BLOCK_KINDS) {
      if (other === kind) multi.zadd(blockedGroupsKey(this.options.prefix, other), until, member);
      else multi.zrem(blockedGroupsKey(this.options.prefix, other), member);
    }
    multi.exec().catch(() => undefined);
  }

  private retryBusyLater(): void {
    if (this.busyTimer) return;
    this.busyTimer = setTimeout(() => {
      this.busyTimer = null;
      for (const [group, waiters] of this.busy) {
        const state = this.state(group);
        for (const waiter of waiters) {
          // An urgent request asks again in a call of its own, as it asked the first time.
          if (waiter.urgent) void this.sendAlone(group, state, waiter);
          else state.asking.push(waiter);
        }
        if (state.asking.length > 0) this.pending.add(group);
      }
      this.busy = new Map();
      this.schedule();
    }, this.retryDelayMs);
  }
}

/**
 * What the freed slots' answers tell Redis, as one (pace-3.lua's ARGV[7..11]): the latest window's
 * smallest remaining (within a window the count only goes down; answers may arrive out of order),
 * the last limit sent and the latest block. One merged answer, not one per slot: the script reads
 * and writes the group's budget once per call.
 */
function mergeAnswers(answers: readonly ResponseInfo[]): string[] {
  let remaining: number | null = null;
  let reset: number | null = null;
  let limit: number | null = null;
  let blocked: ResponseInfo | null = null;
  for (const info of answers) {
    if (info.limit !== null && info.limit !== undefined) limit = info.limit;
    if (info.blockedUntil && (!blocked || info.blockedUntil > blocked.blockedUntil!)) blocked = info;
    if (info.remaining === null || info.resetAt === null) continue;
    const at = info.resetAt.getTime();
    if (reset === null || at > reset) [remaining, reset] = [info.remaining, at];
    else if (at === reset) remaining = Math.min(remaining!, info.remaining);
  }
  return [
    known(remaining),
    known(reset),
    known(limit),
    known(blocked?.blockedUntil?.getTime()),
    blocked ? (blocked.blockedBy ?? '') : '',
  ];
}

function push<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}
