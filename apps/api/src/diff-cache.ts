import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { RedisConnection } from '@gitsync/redis';

/** How long a replaced body stays for the readers still streaming it. */
const REPLACED_BODY_SECONDS = 120;

/** What a cached diff's entry points at: its body's key and the provider's ETag of it. */
interface Entry {
  etag: string | null;
  body: string;
  bytes: number;
}

/** A cached diff, ready to stream. */
export interface CachedDiff {
  etag: string | null;
  bytes: number;
  /** Where its body is kept. */
  readonly bodyKey: string;
  /** The body, read from Redis a chunk at a time as the client takes it. */
  stream(): Readable;
}

/** A body being written: chunks are appended to a key of its own, published by `commit`. */
export interface DiffWrite {
  append(chunk: Uint8Array): Promise<void>;
  commit(etag: string | null, bytes: number): Promise<CachedDiff>;
  abort(): Promise<void>;
}

export interface DiffCacheOptions {
  redis: RedisConnection;
  prefix: string;
  /** How long a diff is kept after it was last fetched. @defaultValue 1 day */
  ttlSeconds?: number;
  /** Bytes read from Redis at a time. @defaultValue 256 KiB */
  chunkBytes?: number;
}

/**
 * Diffs kept in Redis for every API replica, with their ETag (the next fetch is conditional: a 304
 * serves the copy and costs no rate limit). A body goes to Redis as it arrives (APPEND per chunk,
 * under a key of its own) and back out in slices (GETRANGE): the API never holds a whole diff.
 * Entries are keyed by whose token read them and what was read, never by the token itself.
 */
export class DiffCache {
  private readonly ttl: number;
  private readonly chunkBytes: number;

  constructor(private readonly options: DiffCacheOptions) {
    this.ttl = options.ttlSeconds ?? 86_400;
    this.chunkBytes = options.chunkBytes ?? 256 * 1024;
  }

  /** The key of one diff: per owner (whose access reads it), provider and subject. */
  key(providerId: string, ownerId: string, subject: string): string {
    const digest = createHash('sha256')
      .update(JSON.stringify([providerId, ownerId, subject]))
      .digest('hex');
    return `${this.options.prefix}:diff:${digest}`;
  }

  /** The cached copy; null when there is none or its body expired. */
  async get(key: string): Promise<CachedDiff | null> {
    const raw = await this.options.redis.get(key);
    if (!raw) return null;
    const entry = JSON.parse(raw) as Entry;
    if ((await this.options.redis.exists(entry.body)) === 0) return null;
    return this.cached(entry);
  }

  /** Keeps the cached copy another TTL (it was confirmed by a 304). */
  async touch(key: string): Promise<void> {
    const raw = await this.options.redis.get(key);
    if (!raw) return;
    const entry = JSON.parse(raw) as Entry;
    await this.options.redis.multi().expire(key, this.ttl).expire(entry.body, this.ttl).exec();
  }

  /**
   * Starts a new body. Readers keep seeing the previous copy until `commit` points the entry at
   * the new one; the previous body then expires soon (a reader may still be streaming it).
   */
  begin(key: string, previous: CachedDiff | null = null): DiffWrite {
    const redis = this.options.redis;
    const body = `${key}:body:${randomUUID()}`;
    let started = false;
    return {
      append: async (chunk) => {
        // The key expires even if this process dies half-way.
        if (!started) await redis.multi().append(body, Buffer.from(chunk)).expire(body, this.ttl).exec();
        else await redis.append(body, Buffer.from(chunk));
        started = true;
      },
      commit: async (etag, bytes) => {
        const entry: Entry = { etag, body, bytes };
        // An empty diff (no change) still gets its key, so that `get` finds it.
        const multi = redis.multi();
        if (!started) multi.set(body, '', 'EX', this.ttl);
        else multi.expire(body, this.ttl);
        if (previous) multi.expire(previous.bodyKey, REPLACED_BODY_SECONDS);
        await multi.set(key, JSON.stringify(entry), 'EX', this.ttl).exec();
        return this.cached(entry);
      },
      abort: async () => {
        await redis.del(body);
      },
    };
  }

  private cached(entry: Entry): CachedDiff {
    const { redis } = this.options;
    const chunk = this.chunkBytes;
    return {
      etag: entry.etag,
      bytes: entry.bytes,
      bodyKey: entry.body,
      stream: () => {
        let offset = 0;
        return new Readable({
          async read() {
            try {
              if (offset >= entry.bytes) return void this.push(null);
              const end = Math.min(offset + chunk, entry.bytes) - 1;
              const part = await redis.getrangeBuffer(entry.body, offset, end);
              // The body expired under the reader: end early rather than hang.
              if (part.length === 0) return void this.destroy(new Error('cached diff expired while streaming'));
              offset += part.length;
              this.push(part);
            } catch (err) {
              this.destroy(err as Error);
            }
          },
        });
      },
    };
  }
}
