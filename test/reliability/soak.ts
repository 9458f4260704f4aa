// Soak campaign: three headless peers and a cwtch-server on the local network exchange
// 1:1 and group messages continuously while random peers (never the observer, alice) and the server are
// restarted, by kill -9 or cleanly. At the end every message sent is present exactly once on every intended
// receiver, and the RSS of the long-lived processes is compared between the first and last quarter.
// `npm run soak -- --minutes M` (test/reliability/soak-cli.ts); soak.test.ts runs a one-minute variant.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerProc } from '../app/helpers/server-proc.js';
import { RssSampler, sleep, type RssSample } from './lib.js';
import { befriend, eventually, Peer, type HistoryRow } from './peers.js';

export interface SoakOptions {
  readonly minutes: number;
  /** Mean pause between two sends, ms. */
  readonly sendEveryMs?: number;
  /** Mean pause between two restarts, ms. */
  readonly restartEveryMs?: number;
  /** How long the survivors get to deliver everything after the traffic stops. */
  readonly settleMs?: number;
  readonly log?: (s: string) => void;
}

export interface SoakReport {
  readonly seconds: number;
  readonly sentDirect: number;
  readonly sentGroup: number;
  readonly restarts: { kill9Peer: number; cleanPeer: number; kill9Server: number; cleanServer: number };
  /** Receiver×message pairs checked, and how many were missing or duplicated. */
  readonly checked: number;
  readonly missing: string[];
  readonly duplicated: string[];
  /** RSS series of the processes that lived through the whole soak (alice's, and the server's longest run). */
  readonly rss: Record<string, RssSample[]>;
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const jitter = (ms: number): number => ms * (0.5 + Math.random());

export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const log = o.log ?? (() => {});
  const root = mkdtempSync(join(tmpdir(), 'cwtch-soak-'));
  const net = join(root, 'net');
  const dataDir = join(root, 'server');
  let server = await ServerProc.start(net, dataDir);
  const peers = ['alice', 'bob', 'carol'].map((n) => Peer.local(n, root, net));
  const [alice, bob, carol] = peers as [Peer, Peer, Peer];
  const rss: Record<string, RssSample[]> = {};
  const samplers: RssSampler[] = [];
  const restarts = { kill9Peer: 0, cleanPeer: 0, kill9Server: 0, cleanServer: 0 };
  try {
    await Promise.all(peers.map((p) => p.create()));
    await befriend(alice, bob);
    await befriend(alice, carol);
    await befriend(bob, carol);
    const g = await alice.proc.call({ cmd: 'create-group', server: server.bundle, name: 'soak' }, 'group', 60_000);
    const group = g.groupId as string;
    for (const p of [bob, carol]) {
      await alice.proc.call({ cmd: 'invite', to: p.onion, group }, 'message');
      const inv = await p.proc.waitFor((e) => e.event === 'invite' && e.groupId === group, 30_000, 'invite');
      await p.proc.call({ cmd: 'add', text: inv.text }, 'group');
    }
    log('three peers befriended, group created and joined');

    const aliceRss = new RssSampler(alice.pid);
    samplers.push(aliceRss);
    let serverRss = new RssSampler(server.pid);
    samplers.push(serverRss);
    const serverRuns: RssSample[][] = [];

    const down = new Set<Peer>();
    let serverDown = false;
    const t0 = performance.now();
    const end = t0 + o.minutes * 60_000;
    let n = 0;
    let sentDirect = 0;
    let sentGroup = 0;

    const sender = async (): Promise<void> => {
      while (performance.now() < end) {
        await sleep(jitter(o.sendEveryMs ?? 300));
        const from = pick(peers.filter((p) => !down.has(p)));
        if (from === undefined) continue;
        const toGroup = Math.random() < 0.3 && !serverDown;
        const to = toGroup ? group : pick(peers.filter((p) => p !== from)).onion;
        from.proc.send({ cmd: 'send', to, text: `soak-${n++}-${from.name}` });
        if (toGroup) sentGroup++;
        else sentDirect++;
      }
    };

    const restarter = async (): Promise<void> => {
      for (;;) {
        await sleep(jitter(o.restartEveryMs ?? 8000));
        if (performance.now() >= end) return;
        if (Math.random() < 0.25) {
          const clean = Math.random() < 0.5;
          serverDown = true;
          serverRuns.push(serverRss.stop());
          if (clean) {
            await server.stop();
            restarts.cleanServer++;
          } else {
            process.kill(server.pid, 'SIGKILL');
            await server.exited;
            restarts.kill9Server++;
          }
          server = await ServerProc.start(net, dataDir);
          serverRss = new RssSampler(server.pid);
          samplers.push(serverRss);
          serverDown = false;
        } else {
          // Alice stays up for the whole soak: she is the long-lived process whose memory we watch.
          const p = pick([bob, carol]);
          const clean = Math.random() < 0.5;
          down.add(p);
          // Let a send command that is in flight reach the process before it dies.
          await sleep(50);
          if (clean) {
            await p.restart();
            restarts.cleanPeer++;
          } else {
            await p.crash();
            restarts.kill9Peer++;
          }
          down.delete(p);
        }
        log(`restarts so far: ${JSON.stringify(restarts)}`);
      }
    };

    await Promise.all([sender(), restarter()]);
    serverRuns.push(serverRss.stop());
    const seconds = (performance.now() - t0) / 1000;
    log(`traffic stopped after ${seconds.toFixed(0)} s: ${sentDirect} direct, ${sentGroup} group; settling`);

    // What each peer sent: its outgoing `message` events, over all its processes.
    const sentBy = (p: Peer) => p.allEvents((e) => e.event === 'message' && e.outgoing === true && String(e.text).startsWith('soak-'));
    const expected: { text: string; conversation: string; from: Peer }[] = peers.flatMap((p) => sentBy(p).map((e) => ({ text: e.text as string, conversation: e.conversation as string, from: p })));
    const byOnion = new Map(peers.map((p) => [p.onion, p]));

    let missing: string[] = [];
    let duplicated: string[] = [];
    let checked = 0;
    const verify = async (): Promise<boolean> => {
      missing = [];
      duplicated = [];
      checked = 0;
      const hist = new Map<string, HistoryRow[]>();
      const historyOf = async (p: Peer, conv: string): Promise<HistoryRow[]> => {
        const k = `${p.name}/${conv}`;
        if (!hist.has(k)) hist.set(k, await p.historyWith(conv));
        return hist.get(k)!;
      };
      for (const m of expected) {
        const receivers = m.conversation === group ? peers : [byOnion.get(m.conversation)!];
        for (const r of receivers) {
          const rows = await historyOf(r, m.conversation === group ? group : m.from.onion);
          const c = rows.filter((x) => x.text === m.text).length;
          checked++;
          if (c === 0) missing.push(`${m.text}@${r.name}`);
          if (c > 1) duplicated.push(`${m.text}@${r.name}×${c}`);
        }
      }
      return missing.length === 0 && duplicated.length === 0;
    };
    try {
      await eventually(verify, o.settleMs ?? 60_000, 'every message everywhere', 2000);
    } catch {
      // reported below
    }
    const longest = serverRuns.reduce((a, b) => (b.length > a.length ? b : a), []);
    rss['alice'] = aliceRss.stop();
    rss['server (longest run)'] = longest;
    return { seconds, sentDirect, sentGroup, restarts, checked, missing, duplicated, rss };
  } finally {
    for (const s of samplers) s.stop();
    for (const p of peers) p.killNow();
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Allowed difference between the last- and first-quarter RSS medians of a long-lived process, MiB. Our choice: a
 * peer's working set is a few tens of MiB; a leak per message (hundreds of messages a minute) exceeds this within
 * a long soak, while V8 heap settling and SQLite's page cache (2 MiB per database) stay well inside it.
 */
export const SOAK_RSS_GROWTH_BOUND_MIB = 32;
