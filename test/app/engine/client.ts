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


/**
 * A scratch local network with a real group server (started in beforeAll) and engines started on demand; all of
 * them closed and the folder removed in afterAll.
 */
export function engineWorld(prefix: string): { start(name: string): Client; server(): RealServer } {
  let dir: ReturnType<typeof scratch>;
  let server: RealServer;
  const open: RealPeer[] = [];
  beforeAll(async () => {
    dir = scratch(prefix);
    server = await realServer(dir.root, dir.net);
  });
  afterAll(async () => {
    for (const p of open) await p.close();
    await server.close();
    dir.dispose();
  });
  return {
    start(name) {
      const p = realPeer(dir.root, dir.net, name);
      open.push(p);
      return new Client(p);
    },
    server: () => server,
  };
}
