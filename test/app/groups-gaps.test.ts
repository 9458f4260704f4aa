// A server that withholds and prunes, against real clients over the local network. The server is the real
// cwtch-server process; the test plays the hostile operator by editing its message store directly (SQLite, WAL):
// deleting a message before one member syncs (withheld → a gap naming its neighbours), putting it back later
// (→ gap-closed), and deleting the rows up to that member's last commit (→ full resync → a 'pruned' gap, after the
// low-bandwidth cost prompt). Needs `npm run build`.

import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64 } from '../../src/core/bytes.js';
import { ackOf, groupMessage, serverState, startLocalNet, type LocalNet } from './helpers/local-net.js';

let net: LocalNet;
beforeAll(() => (net = startLocalNet('gaps')));
afterAll(() => net.close());

describe('a hostile server: withheld and pruned messages become visible gaps', () => {
  it('withheld → gap between its neighbours → gap-closed on late delivery; pruned last commit → cost prompt → pruned gap', async () => {
    const server = await net.server();
    const a = net.client('a');
    const b = net.client('b');
    await a.createProfile('alice', '');
    await b.createProfile('bob', '');
    const g = await a.call({ cmd: 'create-group', server: server.bundle, name: 'g' }, 'group');
    const group = g.groupId as string;
    const srv = g.server as string;
    await b.call({ cmd: 'add', text: g.invite }, 'group');
    await b.waitFor(serverState(srv, 'Synced'), 30_000);
    // Bob holds one message (his last commit), then goes quiet: from now on he only syncs when asked.
    const m0 = await a.call({ cmd: 'send', to: group, text: 'm0' }, 'message');
    await b.waitFor(groupMessage(group, 'm0'), 30_000);
    await a.waitFor(ackOf(m0.messageId), 30_000, 'ack');
    await b.call({ cmd: 'lowbw', on: true }, 'lowbw');
    await b.waitFor(serverState(srv, 'Disconnected'));

    const post = async (text: string): Promise<string> => {
      const m = await a.call({ cmd: 'send', to: group, text }, 'message');
      await a.waitFor(ackOf(m.messageId), 60_000, 'ack');
      return m.messageId as string;
    };
    // No pauses: the three usually share a whole-second timestamp, and the order must not depend on it.
    const [m1, m2] = [await post('m1'), await post('m2')];
    const m3 = await post('m3');

    const db = new Database(join(server.dataDir, 'cwtch.messages'));
    try {
      // Withhold m2 from whoever syncs next.
      const row = db.prepare('SELECT signature, ciphertext FROM messages WHERE signature = ?').get(Buffer.from(fromBase64(m2)!)) as { signature: Buffer; ciphertext: Buffer };
      expect(row).toBeDefined();
      db.prepare('DELETE FROM messages WHERE signature = ?').run(row.signature);

      const s1 = await b.call({ cmd: 'sync', server: srv }, 'ok', 30_000);
      expect(s1.event).toBe('ok');
      await b.waitFor(groupMessage(group, 'm3'));
      const gap = await b.waitFor((e) => e.event === 'gap' && e.group === group, 10_000, 'gap');
      expect(gap).toMatchObject({ cause: 'withheld', before: m1, after: m3 });
      expect(typeof gap.beforeTime).toBe('number');
      expect(b.events.some(groupMessage(group, 'm2'))).toBe(false);

      // The server "finds" m2 again: it arrives on the next sync and the gap closes.
      // Filed in the window of now, as the server files a late post (docs/sync-extension.md §10).
      db.prepare('INSERT INTO messages (signature, ciphertext, window_end) VALUES (?, ?, ?)').run(row.signature, row.ciphertext, Math.floor(Date.now() / 1000) + 3600);
      await b.call({ cmd: 'sync', server: srv }, 'ok', 30_000);
      await b.waitFor(groupMessage(group, 'm2'));
      await b.waitFor((e) => e.event === 'gap-closed' && e.gapId === gap.gapId, 10_000, 'gap-closed');
      const hist = await b.history(group);
      expect(hist.map((m) => m.text)).toEqual(['m0', 'm1', 'm2', 'm3']);

      // Two more posts, then the server prunes everything up to (and including) Bob's last commit.
      const m4 = await post('m4');
      await post('m5');
      const before = b.events.length;
      db.prepare('DELETE FROM messages WHERE id < (SELECT MAX(id) FROM messages)').run();
      void m4;
      // Low-bandwidth: a full resync is announced with its cost, and nothing is fetched until confirmed.
      const cost = await b.call({ cmd: 'sync', server: srv }, 'sync-cost', 30_000);
      // The server's estimate, before anything is fetched (docs/sync-extension.md §10.3): one packed packet.
      expect(cost).toMatchObject({ server: srv, messages: 1, bytes: 8192, estimated: true });
      await new Promise((r) => setTimeout(r, 500));
      expect(b.events.slice(before).some((e) => e.event === 'message')).toBe(false);
      await b.call({ cmd: 'sync', server: srv, confirm: true }, 'ok', 30_000);
      await b.waitFor(groupMessage(group, 'm5'));
      const pruned = await b.waitFor((e) => e.event === 'gap' && e.group === group && e.cause === 'pruned', 10_000, 'pruned gap');
      expect(pruned.after).toBeDefined();

      // The gap survives a restart (rebuilt from stored rows and the stored pruned mark).
      expect(await b.quit()).toBe(0);
      const b2 = net.client('b');
      await b2.unlock('');
      const again = await b2.waitFor((e) => e.event === 'gap' && e.group === group, 10_000, 'gap after restart');
      expect(again).toMatchObject({ gapId: pruned.gapId, cause: 'pruned' });
      await b2.quit();
    } finally {
      db.close();
    }
    await a.quit();
  }, 240_000);
});
