// A hostile peer against a real headless process on the local network: unknown context, invalid UTF-8 in a
// chat message, an unknown overlay, then a malformed envelope (which must close the connection, not the
// process). Also a 10 MB command line on stdin.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, utf8 } from '../../src/core/bytes.js';
import { newIdentity } from '../../src/core/crypto/identity.js';
import type { OnionAddress } from '../../src/core/crypto/onion.js';
import { decodePeerMessage, encodePeerMessage, CONTEXT_ACK } from '../../src/core/peer/peer-message.js';
import { AuthApp } from '../../src/core/tapir/apps/auth-app.js';
import type { Connection } from '../../src/core/tapir/connection.js';
import { TapirService } from '../../src/core/tapir/service.js';
import { nodeRandom, systemClock } from '../../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../../src/app/platform/sodium-native-backend.js';
import { localAcn } from '../../src/tor/local-acn.js';
import { HeadlessProc } from './helpers/headless-proc.js';
import { ScriptApp } from './helpers/script-app.js';

let root: string;
let proc: HeadlessProc;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cwtch-hostile-'));
});
afterAll(async () => {
  try {
    process.kill(proc.pid, 'SIGKILL');
  } catch {
    // gone
  }
  rmSync(root, { recursive: true, force: true });
});

describe('hostile peer and hostile stdin against a headless process', () => {
  it('ignores unknown contexts/overlays, keeps invalid UTF-8 as U+FFFD, closes on a malformed envelope, survives', async () => {
    const net = join(root, 'net');
    proc = HeadlessProc.local(net, join(root, 'victim'));
    const victim = (await proc.call({ cmd: 'create-profile', name: 'victim', password: '' }, 'profile')).onion as OnionAddress;
    const acn = localAcn(net);
    const identity = newIdentity(sodiumNativeBackend, nodeRandom);
    const svc = new TapirService({ acn, identity, backend: sodiumNativeBackend, random: nodeRandom, clock: systemClock });
    const acks: string[] = [];
    let closedBy: string | null = null;
    const done = new Promise<void>((resolve) => {
      const script = async (conn: Connection): Promise<void> => {
        const send = (b: Uint8Array) => expect(conn.send(b).ok).toBe(true);
        send(encodePeerMessage({ id: '1', context: 'im.cwtch.nonsense', data: utf8('whatever') }, 2));
        send(concatBytes(utf8('1002|im.cwtch.raw|{"o":1,"d":"bad '), Uint8Array.of(0xff, 0xfe), utf8(' here"}')));
        send(encodePeerMessage({ id: '1003', context: 'im.cwtch.raw', data: utf8('{"o":200,"d":"{}"}') }, 2));
        // Read until both acks are in, then send garbage that is neither framing.
        while (acks.length < 2) {
          const m = await conn.expect();
          if (m === null) break;
          const d = decodePeerMessage(m);
          if (d.ok && d.value.context === CONTEXT_ACK) acks.push(d.value.id);
        }
        send(utf8('no pipes and no json'));
        while ((await conn.expect()) !== null);
        closedBy = conn.closeCode;
        resolve();
      };
      void svc.connect(victim, new ScriptApp(new AuthApp({ identity, backend: sodiumNativeBackend, random: nodeRandom }), script));
    });
    await done;
    expect(acks.sort()).toEqual(['1002', '1003']);
    expect(closedBy).toBe('peer-closed');
    const m = await proc.waitFor((e) => e.event === 'message' && e.messageId === '1002');
    expect(m.text).toBe('bad \uFFFD\uFFFD here');
    // The unknown overlay was acknowledged but never shown.
    expect(proc.events.some((e) => e.event === 'message' && e.messageId === '1003')).toBe(false);
    await svc.close();
    await acn.close();

    // A 10 MB line is refused with one error, then the process answers the next command.
    const big = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 10; i++) proc.writeRaw(big);
    proc.writeRaw('\n');
    await proc.waitFor((e) => e.event === 'error' && e.code === 'command.too-long');
    const h = await proc.call({ cmd: 'history', conversation: identity.onion }, 'history');
    expect((h.messages as unknown[]).length).toBe(1);
    expect(proc.events.filter((e) => e.event === 'error' && e.code === 'command.too-long')).toHaveLength(1);
    expect(await proc.quit()).toBe(0);
  }, 60_000);
});
