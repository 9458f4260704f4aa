// Low-bandwidth mode over the local network: `--low-bandwidth` at start, three groups idle → not one byte to or
// from the server (measured by the engine's byte meter, which wraps every stream), a from-scratch sync asks first
// (`sync-cost`, the server's estimate) and fetches nothing until confirmed; the mode is remembered by the profile. Needs `npm run build`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ev, HeadlessProc } from './helpers/headless-proc.js';
import { ackOf, serverState, startLocalNet, type LocalNet } from './helpers/local-net.js';

let net: LocalNet;
beforeAll(() => (net = startLocalNet('lowbw')));
afterAll(() => net.close());

const serverBytes = (p: HeadlessProc, srv: string): Ev[] => p.events.filter((e) => e.event === 'bytes' && e.scope === 'server' && e.key === srv);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('low-bandwidth mode', () => {
  it('idle groups cost zero bytes; a from-scratch sync shows its cost and waits for confirmation; the mode persists', async () => {
    const server = await net.server();
    // A normal member fills the server with three messages in its own group.
    const a = net.client('a');
    await a.createProfile('alice', '');
    const ga = await a.call({ cmd: 'create-group', server: server.bundle, name: 'busy' }, 'group');
    for (const t of ['1', '2', '3']) {
      const m = await a.call({ cmd: 'send', to: ga.groupId, text: t }, 'message');
      await a.waitFor(ackOf(m.messageId), 60_000, 'ack');
    }
    const srv = ga.server as string;

    const b = net.client('b', ['--low-bandwidth']);
    await b.waitFor((e) => e.event === 'lowbw' && e.on === true);
    await b.createProfile('bob', '');
    const groups: string[] = [];
    for (const n of ['one', 'two', 'three']) groups.push((await b.call({ cmd: 'create-group', server: server.bundle, name: n }, 'group')).groupId as string);
    // Idle for a measured interval: no server connection, no token buying, no bytes.
    const t0 = Date.now();
    await sleep(3000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3000);
    expect(serverBytes(b, srv)).toEqual([]);
    expect(b.events.some((e) => e.event === 'server-state' && e.state === 'Connecting')).toBe(false);

    // First sync of these groups replays from scratch: the cost comes first, and nothing is fetched.
    const cost = await b.call({ cmd: 'sync', server: srv }, 'sync-cost', 30_000);
    // The server's estimate (docs/sync-extension.md §10.3): three packed messages take two packets.
    expect(cost).toMatchObject({ server: srv, messages: 3, bytes: 2 * 8192, estimated: true });
    await sleep(1200);
    const probe = serverBytes(b, srv).at(-1);
    expect(probe).toBeDefined();
    // The client asked for the cost only and hung up on it: the handshake and one answer crossed the wire, no
    // message of the replay.
    expect(probe!.received as number).toBeGreaterThan(0);
    expect(probe!.received as number).toBeLessThan(8 * 8192);
    expect(b.events.some((e) => e.event === 'message')).toBe(false);
    expect(b.events.some((e) => e.event === 'server-state' && e.state === 'Synced')).toBe(false);
    // Confirmed: it syncs, then hangs up again.
    await b.call({ cmd: 'sync', server: srv, confirm: true }, 'ok', 30_000);
    await b.waitFor(serverState(srv, 'Synced'));
    await b.waitFor((e) => serverState(srv, 'Disconnected')(e) && b.events.indexOf(e) > b.events.findIndex((x) => x.event === 'server-state' && x.state === 'Synced'));
    // A later sync resumes from the last signature: no prompt.
    await b.call({ cmd: 'sync', server: srv }, 'ok', 30_000);

    // Restart without the flag: the profile remembers the mode and stays quiet.
    expect(await b.quit()).toBe(0);
    const b2 = net.client('b');
    await b2.unlock('');
    await b2.waitFor((e) => e.event === 'lowbw' && e.on === true);
    await sleep(2000);
    expect(serverBytes(b2, srv).every((e) => e.sent === 0 && e.received === 0)).toBe(true);
    expect(b2.events.some((e) => e.event === 'server-state' && e.state === 'Connecting')).toBe(false);
    // Turning it off connects (and the meter shows it).
    await b2.call({ cmd: 'lowbw', on: false }, 'lowbw');
    await b2.waitFor(serverState(srv, 'Synced'), 30_000);
    await b2.waitFor((e) => e.event === 'bytes' && e.scope === 'server' && e.key === srv && (e.received as number) > 0, 5000);
    void groups;
    await b2.quit();
    await a.quit();
  }, 180_000);
});
