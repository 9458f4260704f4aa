import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { onionFromPublicKey } from '../../src/core/crypto/onion.js';
import { ControlPort, ed25519PublicKey, expandedSecretKey } from '../../src/tor/control-port.js';
import { fakeServer, lines, type FakeServer } from './fake-server.js';

let servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function serve(script: (line: string, reply: (s: string) => void) => void): Promise<ControlPort> {
  const srv = await fakeServer((s) => lines(s, (l) => script(l, (t) => s.write(t))));
  servers.push(srv);
  return ControlPort.connect('127.0.0.1', srv.port, { replyTimeoutMs: 300 });
}

let dir: string;
let cookie: Buffer;
let cookieFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ctl-'));
  cookie = randomBytes(32);
  cookieFile = join(dir, 'cookie');
  await writeFile(cookieFile, cookie);
});

const PI = (methods: string): string => `250-PROTOCOLINFO 1\r\n250-AUTH METHODS=${methods} COOKIEFILE="/x"\r\n250-VERSION Tor="0.4.9.11"\r\n250 OK\r\n`;

/** A fake tor that does SAFECOOKIE right (or with a forged SERVERHASH). */
function safecookieTor(forge: boolean, seen: string[]) {
  const serverNonce = randomBytes(32);
  let msg = Buffer.alloc(0);
  return (l: string, reply: (s: string) => void): void => {
    seen.push(l);
    if (l === 'PROTOCOLINFO 1') reply(PI('COOKIE,SAFECOOKIE'));
    else if (l.startsWith('AUTHCHALLENGE SAFECOOKIE ')) {
      const clientNonce = Buffer.from(l.split(' ')[2]!, 'hex');
      msg = Buffer.concat([forge ? randomBytes(32) : cookie, clientNonce, serverNonce]);
      const sh = createHmac('sha256', 'Tor safe cookie authentication server-to-controller hash').update(msg).digest('hex');
      reply(`250 AUTHCHALLENGE SERVERHASH=${sh.toUpperCase()} SERVERNONCE=${serverNonce.toString('hex').toUpperCase()}\r\n`);
    } else if (l.startsWith('AUTHENTICATE ')) {
      const ch = createHmac('sha256', 'Tor safe cookie authentication controller-to-server hash').update(msg).digest('hex');
      reply(l.slice(13).toLowerCase() === ch ? '250 OK\r\n' : '515 Authentication failed: Safe cookie response did not match expected value.\r\n');
    } else reply('510 Unrecognized command\r\n');
  };
}

describe('ControlPort against a fake tor', () => {
  it('SAFECOOKIE: verifies SERVERHASH and authenticates', async () => {
    const seen: string[] = [];
    const c = await serve(safecookieTor(false, seen));
    expect(await c.authenticate({ cookieFile })).toBe('SAFECOOKIE');
    // the cookie itself never crossed the socket
    expect(seen.join('\n')).not.toContain(cookie.toString('hex'));
    c.close();
  });

  it('SAFECOOKIE: a forged SERVERHASH is refused before we answer', async () => {
    const seen: string[] = [];
    const c = await serve(safecookieTor(true, seen));
    await expect(c.authenticate({ cookieFile })).rejects.toMatchObject({ code: 'control.serverhash-mismatch' });
    expect(seen.some((l) => l.startsWith('AUTHENTICATE'))).toBe(false);
    expect(c.closed).toBe(true);
  });

  it('falls back to plain COOKIE; a 515 is control.auth-failed', async () => {
    const c = await serve((l, reply) => {
      if (l === 'PROTOCOLINFO 1') reply(PI('COOKIE'));
      else if (l === `AUTHENTICATE ${cookie.toString('hex')}`) reply('250 OK\r\n');
      else reply('515 Authentication failed\r\n');
    });
    expect(await c.authenticate({ cookieFile })).toBe('COOKIE');
    const c2 = await serve((l, reply) => reply(l === 'PROTOCOLINFO 1' ? PI('HASHEDPASSWORD') : '515 Authentication failed: Password did not match\r\n'));
    await expect(c2.authenticate({ password: 'wrong "pw"' })).rejects.toMatchObject({ code: 'control.auth-failed' });
    const c3 = await serve((_l, reply) => reply(PI('HASHEDPASSWORD')));
    await expect(c3.authenticate({ cookieFile })).rejects.toMatchObject({ code: 'control.auth-unsupported' });
    await expect(c.authenticate({ cookieFile: join(dir, 'missing') })).rejects.toMatchObject({ code: 'control.bad-cookie' });
  });

  it('a reply that never ends trips the deadline and fails every pending command', async () => {
    const c = await serve((_l, reply) => reply('250-still going\r\n'));
    const a = c.send('GETINFO version');
    const b = c.send('GETINFO version');
    await expect(a).rejects.toMatchObject({ code: 'control.timeout' });
    await expect(b).rejects.toMatchObject({ code: 'control.timeout' });
    await expect(c.send('GETINFO version')).rejects.toMatchObject({ code: 'control.timeout' });
  });

  it('a silent tor trips the deadline', async () => {
    const c = await serve(() => {});
    await expect(c.getInfo('version')).rejects.toMatchObject({ code: 'control.timeout' });
  });

  it('hostile replies become typed errors, not crashes', async () => {
    for (const [bad, code] of [
      ['HTTP/1.1 200 OK\r\n', 'control.bad-status'],
      ['250 ' + 'A'.repeat(40_000), 'control.line-too-long'],
      ['250-a\r\n550 b\r\n', 'control.mixed-status'],
    ] as const) {
      const c = await serve((_l, reply) => reply(bad));
      await expect(c.getInfo('version')).rejects.toMatchObject({ code });
    }
  });

  it('an unsolicited reply poisons the connection; a 650 event does not', async () => {
    const events: string[] = [];
    const c = await serve((l, reply) => {
      if (l === 'SETEVENTS STATUS_CLIENT') reply('250 OK\r\n650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=5 TAG=conn SUMMARY="x"\r\n250 OK\r\n');
    });
    c.onEvent((r) => events.push(r.lines[0]!.text));
    const closed = new Promise<string>((r) => c.onClose((e) => r(e.code)));
    await c.setEvents(['STATUS_CLIENT']);
    expect(await closed).toBe('control.unexpected-reply');
    expect(events).toHaveLength(1);
  });

  it('refuses line breaks in commands (no injection)', async () => {
    const c = await serve((_l, reply) => reply('250 OK\r\n'));
    await expect(c.send('GETINFO version\r\nSIGNAL SHUTDOWN')).rejects.toMatchObject({ code: 'control.bad-argument' });
    await expect(c.getInfo('version\nx')).rejects.toMatchObject({ code: 'control.bad-argument' });
    const c2 = await serve((l, reply) => reply(l === 'PROTOCOLINFO 1' ? PI('HASHEDPASSWORD') : '250 OK\r\n'));
    await expect(c2.authenticate({ password: 'a\r\nSIGNAL HALT' })).rejects.toMatchObject({ code: 'control.bad-argument' });
  });

  it('ADD_ONION sends the expanded key and checks the ServiceID', async () => {
    const seed = new Uint8Array(randomBytes(32));
    const onion = onionFromPublicKey(ed25519PublicKey(seed));
    let sent = '';
    const c = await serve((l, reply) => {
      sent = l;
      reply(`250-ServiceID=${onion}\r\n250 OK\r\n`);
    });
    expect(await c.addOnion(seed, 4321)).toBe(onion);
    expect(sent).toBe(`ADD_ONION ED25519-V3:${Buffer.from(expandedSecretKey(seed)).toString('base64')} Flags=DiscardPK Port=9878,127.0.0.1:4321`);
    const other = onionFromPublicKey(ed25519PublicKey(new Uint8Array(randomBytes(32))));
    const dels: string[] = [];
    const c2 = await serve((l, reply) => {
      if (l.startsWith('DEL_ONION')) dels.push(l);
      reply(l.startsWith('ADD_ONION') ? `250-ServiceID=${other}\r\n250 OK\r\n` : '250 OK\r\n');
    });
    await expect(c2.addOnion(seed, 4321)).rejects.toMatchObject({ code: 'control.service-id-mismatch' });
    expect(dels).toEqual([`DEL_ONION ${other}`]);
    const c3 = await serve((_l, reply) => reply('552 Unknown Onion Service id\r\n'));
    await expect(c3.delOnion(onion)).rejects.toMatchObject({ code: 'control.command-failed' });
  });
});

describe('expandedSecretKey', () => {
  it('is SHA-512(seed) clamped, 64 bytes', () => {
    const seed = new Uint8Array(32).fill(7);
    const k = expandedSecretKey(seed);
    expect(k).toHaveLength(64);
    expect(k[0]! & 7).toBe(0);
    expect(k[31]! & 0x80).toBe(0);
    expect(k[31]! & 0x40).toBe(0x40);
    expect(() => expandedSecretKey(new Uint8Array(31))).toThrow();
  });
});
