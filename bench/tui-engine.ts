// The engine the tui bench talks to: it answers `history` commands page by page as the real engine does
// (src/app/engine/history-search.ts: the newest `limit` messages before `before`, oldest first) from a profile of
// generated messages, and echoes a `send` as the message event the real engine emits. The messages are made when
// a page is asked for, not held: a profile's history lives on disk, so the bench's RSS is the UI's.

import type { EngineCommand } from '../src/core/api/commands.js';
import type { EngineApi } from '../src/core/api/engine.js';
import type { EngineEvent, HistoryMessage } from '../src/core/api/events.js';

/** One conversation's stored history: `count` messages, message `i` made by `make(i)`. */
export interface BenchHistory {
  readonly count: number;
  readonly make: (i: number) => HistoryMessage;
}

export class PagingEngine implements EngineApi {
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  /** Conversation → its stored history; message ids are `${conversation}:${i}` so `before` finds its index. */
  private readonly histories = new Map<string, BenchHistory>();
  private queue: Promise<void> = Promise.resolve();
  private sent = 0;
  /** History pages answered so far (the bench checks the UI really paged). */
  pages = 0;

  constructor(
    private readonly me: string,
    private readonly now: () => number,
  ) {}

  addHistory(conversation: string, h: BenchHistory): void {
    this.histories.set(conversation, h);
  }

  subscribe(l: (e: EngineEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  // Commands run one after another on a promise chain, as Engine.command queues them.
  command(c: EngineCommand): void {
    this.queue = this.queue.then(() => this.run(c));
  }

  emit(e: EngineEvent): void {
    for (const l of this.listeners) l(e);
  }

  private run(c: EngineCommand): void {
    if (c.cmd === 'history') {
      const h = this.histories.get(c.conversation);
      const id = c.id !== undefined ? { id: c.id } : {};
      if (h === undefined) {
        this.emit({ ...id, event: 'history', conversation: c.conversation, messages: [] });
        return;
      }
      const end = c.before === undefined ? h.count : Number(c.before.slice(c.before.lastIndexOf(':') + 1));
      const start = Math.max(0, end - (c.limit ?? 200));
      const messages: HistoryMessage[] = [];
      for (let i = start; i < end; i++) messages.push({ ...h.make(i), messageId: `${c.conversation}:${i}` });
      this.pages++;
      this.emit({ ...id, event: 'history', conversation: c.conversation, messages });
    } else if (c.cmd === 'send') {
      const n = this.sent++;
      this.emit({
        ...(c.id !== undefined ? { id: c.id } : {}),
        event: 'message',
        conversation: c.to,
        from: this.me,
        text: c.text,
        time: this.now(),
        messageId: `sent:${n}`,
        outgoing: true,
        ack: 'pending',
        overlay: 1,
      });
    }
  }
}
