// Who commits a batch of posts. The board needs one durable transaction per batch before it answers; with the
// synchronous writer the event loop stands still for the whole commit (mostly the fsync: ~5 ms per 28-post batch
// measured under load), so no post is read or verified meanwhile. The worker writer runs the same MessageStore
// transaction on its own SQLite connection in a worker thread, so verification of the next batch overlaps the
// fsync of this one. Durability is unchanged: a post's promise settles only after its commit returned.

import { Worker } from 'node:worker_threads';
import { StorageError } from '../core/errors.js';
import type { MessageStore, PostToStore } from './message-store.js';

export interface PostWriter {
  /** One durable transaction; per post, whether its token was fresh (as MessageStore.commitPosts). Rejects if not stored. */
  commit(posts: readonly PostToStore[]): Promise<boolean[]>;
  /** Waits for commits in flight, then releases the writer. */
  close(): Promise<void>;
  /** A hint that posts may come soon (a board connection authenticated): get ready without waiting for one. */
  prepare?(): void;
}

/** Commits on the caller's thread (tests, and wherever a worker cannot start). */
export function syncPostWriter(store: MessageStore): PostWriter {
  return {
    commit: async (posts) => store.commitPosts(posts),
    close: async () => undefined,
  };
}

/** What the worker receives at start. */
export interface PostWriterWorkerData {
  readonly path: string;
  readonly maxMessages: number;
}

/**
 * A batch as one transferred buffer, not a structured clone of each post's three arrays (the clone's per-object cost
 * was most of the hand-off): `bytes` holds tokenT ‖ signature ‖ ciphertext of each post in order, `lengths` their
 * three lengths per post, `windowEnds` each post's window end.
 */
export type PostWriterRequest = { readonly id: number; readonly bytes: ArrayBuffer; readonly lengths: Uint32Array; readonly windowEnds: Float64Array };
export type PostWriterReply = { readonly id: number; readonly results: boolean[] | null };

export function packPosts(id: number, posts: readonly PostToStore[]): PostWriterRequest {
  const lengths = new Uint32Array(3 * posts.length);
  const windowEnds = new Float64Array(posts.length);
  let total = 0;
  posts.forEach((p, i) => {
    lengths[3 * i] = p.tokenT.length;
    lengths[3 * i + 1] = p.signature.length;
    lengths[3 * i + 2] = p.ciphertext.length;
    windowEnds[i] = p.windowEnd;
    total += p.tokenT.length + p.signature.length + p.ciphertext.length;
  });
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of posts) {
    for (const part of [p.tokenT, p.signature, p.ciphertext]) {
      bytes.set(part, at);
      at += part.length;
    }
  }
  return { id, bytes: bytes.buffer, lengths, windowEnds };
}

/** The posts of a packed batch, as views of its buffer. */
export function unpackPosts(m: PostWriterRequest): PostToStore[] {
  const bytes = new Uint8Array(m.bytes);
  const out: PostToStore[] = [];
  let at = 0;
  const take = (n: number): Uint8Array => bytes.subarray(at, (at += n));
  for (let i = 0; i < m.windowEnds.length; i++) {
    const tokenT = take(m.lengths[3 * i]!);
    const signature = take(m.lengths[3 * i + 1]!);
    const ciphertext = take(m.lengths[3 * i + 2]!);
    out.push({ tokenT, signature, ciphertext, windowEnd: m.windowEnds[i]! });
  }
  return out;
}

/** Commits in a worker thread (post-writer-worker.js next to this file, i.e. from the compiled build). */
export class WorkerPostWriter implements PostWriter {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { ok: (r: boolean[]) => void; fail: (e: unknown) => void }>();
  private readonly inFlight = new Set<Promise<boolean[]>>();
  private nextId = 1;
  private broken = false;
  private closing = false;
  /** The worker died on its own (not through close()): later batches go to the fallback. */
  private failedOver = false;
  private exited: Promise<void> = Promise.resolve();

  private readonly fallback: PostWriter | undefined;

  /**
   * fallbackStore: the main connection to the same file. Once the worker died or could not open its store (not through
   * close()), later batches are committed on it on the calling thread, so the board keeps committing durably. Without
   * one, later commits are refused.
   */
  constructor(
    private readonly data: PostWriterWorkerData,
    private readonly workerUrl: URL = new URL('./post-writer-worker.js', import.meta.url),
    fallbackStore?: MessageStore,
  ) {
    this.fallback = fallbackStore === undefined ? undefined : syncPostWriter(fallbackStore);
  }

  /**
   * Started when the first board connection authenticates (prepare) or on the first post: a thread costs ~10 MB RSS
   * (measured), which a server nobody uses need not pay; starting it takes tens of ms, which a post need not wait.
   */
  prepare(): void {
    if (this.worker === null && !this.broken && !this.failedOver) this.start();
  }

  private start(): Worker {
    const worker = new Worker(this.workerUrl, { workerData: this.data });
    // Idle, it must not keep a process alive on its own (close() is the orderly end); a commit in flight does.
    worker.unref();
    worker.on('message', (m: PostWriterReply) => {
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (m.results === null) p.fail(new StorageError('server.store-write', 'could not store posts'));
      else p.ok(m.results);
    });
    this.exited = new Promise((resolve) => {
      const end = (): void => {
        // A writer that died takes its batches with it: none of them is acknowledged (one may have been committed, so
        // retrying it elsewhere could answer its own post as a double spend). Later batches go to the fallback.
        if (!this.closing && this.fallback !== undefined) this.failedOver = true;
        else this.broken = true;
        for (const p of this.pending.values()) p.fail(new StorageError('server.store-write', 'the store writer stopped'));
        this.pending.clear();
        resolve();
      };
      worker.once('error', end);
      worker.once('exit', end);
    });
    this.worker = worker;
    return worker;
  }

  commit(posts: readonly PostToStore[]): Promise<boolean[]> {
    if (this.broken) return Promise.reject(new StorageError('server.store-write', 'the store writer stopped'));
    if (this.failedOver && this.fallback !== undefined) return this.fallback.commit(posts);
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    const p = new Promise<boolean[]>((ok, fail) => {
      this.pending.set(id, { ok, fail });
      const m = packPosts(id, posts);
      worker.postMessage(m, [m.bytes, m.lengths.buffer as ArrayBuffer, m.windowEnds.buffer as ArrayBuffer]);
    });
    this.inFlight.add(p);
    worker.ref();
    const forget = (): void => {
      this.inFlight.delete(p);
      if (this.inFlight.size === 0) worker.unref();
    };
    p.then(forget, forget);
    return p;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    const worker = this.worker;
    this.closing = true;
    // Closed for good: a commit after this is refused, whether or not the thread ever started.
    this.broken = true;
    if (worker !== null) {
      worker.ref();
      // 'close' ends the worker after it closed its database.
      worker.postMessage('close');
    }
    await this.exited;
  }
}
