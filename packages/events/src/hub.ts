import type { RedisConnection } from '@gitsync/redis';

/** A Redis pub/sub channel, or a pattern of channels (PSUBSCRIBE). */
export type Topic = { channel: string } | { pattern: string };
export type Listener = (message: string) => void;

/**
 * One Redis subscriber connection for the whole API process, shared by every event stream and
 * every on-demand wait: a channel (or pattern) is subscribed while at least one listener wants it
 * and unsubscribed when the last one leaves. Thousands of open streams cost one connection.
 */
export class EventHub {
  private subscriber: RedisConnection | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Keys Redis has confirmed as subscribed. */
  private readonly subscribed = new Set<string>();
  /** Per key, the last (un)subscribe in flight: they run one after the other. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    private readonly connect: () => RedisConnection,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  /**
   * Calls `listener` for every message of the topic; resolves once Redis has confirmed the
   * subscription, so nothing published after that is missed. Returns the way to stop listening.
   */
  async listen(topic: Topic, listener: Listener): Promise<() => Promise<void>> {
    const k = key(topic);
    let set = this.listeners.get(k);
    if (!set) this.listeners.set(k, (set = new Set()));
    set.add(listener);
    const stop = async () => {
      if (!set.delete(listener)) return;
      if (set.size === 0 && this.listeners.get(k) === set) this.listeners.delete(k);
      await this.sync(k, topic);
    };
    try {
      await this.sync(k, topic);
    } catch (err) {
      await stop().catch(() => undefined);
      throw err;
    }
    return stop;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.subscribed.clear();
    this.subscriber?.disconnect();
    this.subscriber = null;
  }

  /**
   * Brings Redis in line with the listeners of one key. Runs serialised per key and compares
   * wanted with actual each time, so a listener arriving while the last one's UNSUBSCRIBE is in
   * flight still ends up subscribed.
   */
  private sync(k: string, topic: Topic): Promise<void> {
    const previous = this.pending.get(k) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const wanted = (this.listeners.get(k)?.size ?? 0) > 0;
        const redis = this.connection();
        if (wanted && !this.subscribed.has(k)) {
          await ('channel' in topic ? redis.subscribe(topic.channel) : redis.psubscribe(topic.pattern));
          this.subscribed.add(k);
        } else if (!wanted && this.subscribed.has(k)) {
          this.subscribed.delete(k);
          await ('channel' in topic ? redis.unsubscribe(topic.channel) : redis.punsubscribe(topic.pattern));
        }
      });
    this.pending.set(k, next);
    next
      .finally(() => {
        if (this.pending.get(k) === next) this.pending.delete(k);
      })
      .catch(() => undefined);
    return next;
  }

  private connection(): RedisConnection {
    if (this.subscriber) return this.subscriber;
    const subscriber = this.connect();
    // ioredis reconnects and re-subscribes by itself; an outage is worth a log line, not a crash.
    subscriber.on('error', this.onError);
    subscriber.on('message', (channel: string, message: string) => this.dispatch(key({ channel }), message));
    subscriber.on('pmessage', (pattern: string, _channel: string, message: string) =>
      this.dispatch(key({ pattern }), message),
    );
    this.subscriber = subscriber;
    return subscriber;
  }

  private dispatch(k: string, message: string): void {
    for (const listener of this.listeners.get(k) ?? []) listener(message);
  }
}

const key = (topic: Topic): string => ('channel' in topic ? `channel ${topic.channel}` : `pattern ${topic.pattern}`);
