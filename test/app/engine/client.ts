// An in-process engine (test/ui/helpers/real-engine.ts wiring) and every event it emitted, with a command helper
// that waits for the answer by id.

import { afterAll, beforeAll, vi } from 'vitest';
import type { EngineCommand } from '../../../src/core/api/commands.js';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { realPeer, scratch, type RealPeer } from '../../ui/helpers/real-engine.js';
import { realServer, type RealServer } from '../../ui/helpers/real-server.js';

export type Ev<K extends EngineEvent['event']> = Extract<EngineEvent, { event: K }>;

/** An engine and every event it emitted, with a command helper that waits for the answer by id. */
export class Client {
  readonly events: EngineEvent[] = [];
  private n = 0;
  constructor(readonly peer: RealPeer) {
    peer.engine.subscribe((e) => void this.events.push(e));
  }

  async call<K extends EngineEvent['event']>(c: EngineCommand, answer: K): Promise<Ev<K>> {
    const id = `c${++this.n}`;
    this.peer.engine.command({ ...c, id } as EngineCommand);
    return (await this.waitFor((e) => e.id === id && (e.event === answer || e.event === 'error'))) as Ev<K>;
  }

  async waitFor(pred: (e: EngineEvent) => boolean, timeout = 30_000, what = ''): Promise<EngineEvent> {
    let found: EngineEvent | undefined;
    await vi.waitFor(
      () => {
        found = this.events.find(pred);
        if (found === undefined) throw new Error(`${what} not yet; last events: ${this.events.slice(-12).map((e) => e.event + ('state' in e ? `:${e.state}` : '') + ('code' in e ? `:${e.code}:${e.id}` : '') + ('groupId' in e ? `:${e.groupId.slice(0, 4)}:${e.id}` : '')).join(' ')}`);
      },
      { timeout, interval: 25 },
    );
    return found!;
  }
}

export const isMsg = (group: string, text: string) => (e: EngineEvent) => e.event === 'message' && e.conversation === group && e.text === text;
export const got = (c: Client, group: string, text: string) => c.waitFor(isMsg(group, text), 30_000, `${text} in ${group.slice(0, 4)}`);


/** What an engine world offers a test: engines by name (the same name again is a restart), stop, its server. */
export interface EngineWorld {
  start(name: string): Client;
  /** Close one engine now (before a restart, or to take it offline). */
  stop(c: Client): Promise<void>;
  server(): RealServer;
  /** The scratch folder (root, local network dir), for tests that start more on it. */
  dir(): { readonly root: string; readonly net: string };
  /** Closed in afterAll, before the engines (e.g. a scripted peer's service). */
  onClose(fn: () => Promise<void>): void;
}

/**
 * A scratch local network with a real group server (started in beforeAll, with `serverOptions`) and engines started
 * on demand; all of them closed and the folder removed in afterAll.
 */
export function engineWorld(prefix: string, serverOptions: Parameters<typeof realServer>[2] = {}): EngineWorld {
  let d: ReturnType<typeof scratch>;
  let server: RealServer;
  const open = new Set<Client>();
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    d = scratch(prefix);
    server = await realServer(d.root, d.net, serverOptions);
  });
  afterAll(async () => {
    for (const c of closers) await c();
    for (const c of open) await c.peer.close();
    await server.close();
    d.dispose();
  });
  return {
    start(name) {
      const c = new Client(realPeer(d.root, d.net, name));
      open.add(c);
      return c;
    },
    async stop(c) {
      open.delete(c);
      await c.peer.close();
    },
    server: () => server,
    dir: () => d,
    onClose: (fn) => void closers.push(fn),
  };
}
