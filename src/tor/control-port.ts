// A small tor control-port client (control-spec.txt), no npm wrapper: one socket, commands answered in
// order, 650 events dispatched to a callback. A malformed or hostile reply, or a reply that never ends,
// fails every pending command with a typed error and closes the connection.

import { createHash, createHmac, createPrivateKey, createPublicKey, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { fromHex, toBase64, toHex } from '../core/bytes.js';
import { onionFromPublicKey, type OnionAddress } from '../core/crypto/onion.js';
import { CWTCH_PORT, TOR_CONTROL_REPLY_TIMEOUT_MS } from '../core/limits.js';
import { getInfoValues, parseKeywords, quote, ReplyParser, type Reply } from './control-reply.js';
import { TorError } from './errors.js';

export type ControlAuth = { readonly cookieFile: string } | { readonly password: string };

export interface ProtocolInfo {
  readonly methods: readonly string[];
  readonly cookieFile?: string;
  readonly torVersion?: string;
}

export interface BootstrapInfo {
  readonly severity: 'NOTICE' | 'WARN' | 'ERR';
  readonly progress: number;
  readonly tag: string;
  readonly summary: string;
  /** Present on WARN: what went wrong, for the user. */
  readonly warning?: string;
  readonly reason?: string;
}

const SAFECOOKIE_SERVER = 'Tor safe cookie authentication server-to-controller hash';
const SAFECOOKIE_CLIENT = 'Tor safe cookie authentication controller-to-server hash';

export interface ControlPortOptions {
  readonly replyTimeoutMs?: number;
}

interface Pending {
  readonly resolve: (r: Reply) => void;
  readonly reject: (e: TorError) => void;
}

export class ControlPort {
  private readonly parser = new ReplyParser();
  private readonly pending: Pending[] = [];
  private eventCb: (r: Reply) => void = () => {};
  private closeCbs: ((e: TorError) => void)[] = [];
  private failure: TorError | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly replyTimeoutMs: number;

  private constructor(
    private readonly socket: Socket,
    opts: ControlPortOptions,
  ) {
    this.replyTimeoutMs = opts.replyTimeoutMs ?? TOR_CONTROL_REPLY_TIMEOUT_MS;
    socket.on('data', (chunk: Buffer) => this.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    socket.on('error', () => {});
    socket.on('close', () => this.fail(new TorError('control.closed', 'the tor control connection closed')));
  }

  /** Connect to a control port on `host:port`. */
  static connect(host: string, port: number, opts: ControlPortOptions = {}): Promise<ControlPort> {
    return new Promise((resolve, reject) => {
      const s = connect({ host, port });
      const onErr = (): void => reject(new TorError('control.connect-failed', 'could not connect to the tor control port'));
      s.once('error', onErr);
      s.once('connect', () => {
        s.off('error', onErr);
        resolve(new ControlPort(s, opts));
      });
    });
  }

  get closed(): boolean {
    return this.failure !== null;
  }

  /** Async events (650 replies). */
  onEvent(cb: (r: Reply) => void): void {
    this.eventCb = cb;
  }

  /** Called once when the connection ends or is poisoned. */
  onClose(cb: (e: TorError) => void): void {
    if (this.failure) cb(this.failure);
    else this.closeCbs.push(cb);
  }

  close(): void {
    this.fail(new TorError('control.closed', 'the tor control connection was closed'));
  }

  /** Send one command line; resolves with the reply whatever its status. */
  send(line: string): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    if (/[\r\n\0]/.test(line)) return Promise.reject(new TorError('control.bad-argument', 'a control command may not contain line breaks'));
    return new Promise<Reply>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.armTimer();
      this.socket.write(line + '\r\n');
    });
  }

  /** Send a command and require a 2xx reply. */
  async command(line: string): Promise<Reply> {
    const r = await this.send(line);
    if (r.status >= 200 && r.status < 300) return r;
    const verb = line.split(' ', 1)[0]!;
    const code = r.status === 515 ? 'control.auth-failed' : 'control.command-failed';
    // tor's reply text names the problem (e.g. "Unknown Onion Service id"); it never echoes our secrets.
    const e = new TorError(code, `tor refused ${verb}: ${r.status} ${sanitize(r.lines[0]?.text ?? '')}`);
    (e as { status?: number }).status = r.status;
    throw e;
  }

  async protocolInfo(): Promise<ProtocolInfo> {
    const r = await this.command('PROTOCOLINFO 1');
    let methods: string[] | null = null;
    let cookieFile: string | undefined;
    let torVersion: string | undefined;
    for (const l of r.lines) {
      const p = parseKeywords(l.text);
      if (!p.ok) throw new TorError('control.bad-reply', 'malformed PROTOCOLINFO reply');
      if (p.value.words[0] === 'AUTH') {
        methods = (p.value.kv.get('METHODS') ?? '').split(',').filter((m) => m !== '');
        cookieFile = p.value.kv.get('COOKIEFILE');
      } else if (p.value.words[0] === 'VERSION') {
        torVersion = p.value.kv.get('Tor');
      }
    }
    if (methods === null) throw new TorError('control.bad-reply', 'PROTOCOLINFO reply without AUTH line');
    return { methods, ...(cookieFile !== undefined ? { cookieFile } : {}), ...(torVersion !== undefined ? { torVersion } : {}) };
  }

  /**
   * Authenticate: with a cookie file SAFECOOKIE when offered (the cookie never crosses the socket and
   * SERVERHASH proves this port belongs to the tor that wrote the file), else COOKIE; or a password.
   * Returns the method used.
   */
  async authenticate(auth: ControlAuth): Promise<'SAFECOOKIE' | 'COOKIE' | 'HASHEDPASSWORD'> {
    const info = await this.protocolInfo();
    if ('password' in auth) {
      if (!info.methods.includes('HASHEDPASSWORD') && !info.methods.includes('NULL')) {
        throw new TorError('control.auth-unsupported', 'this tor does not accept password authentication');
      }
      await this.command(`AUTHENTICATE ${quote(auth.password)}`);
      return 'HASHEDPASSWORD';
    }
    const cookie = await readCookie(auth.cookieFile);
    if (info.methods.includes('SAFECOOKIE')) {
      const clientNonce = new Uint8Array(randomBytes(32));
      const r = await this.command(`AUTHCHALLENGE SAFECOOKIE ${toHex(clientNonce)}`);
      const p = parseKeywords(r.lines[0]?.text ?? '');
      if (!p.ok || p.value.words[0] !== 'AUTHCHALLENGE') throw new TorError('control.bad-reply', 'malformed AUTHCHALLENGE reply');
      const serverHash = fromHex(p.value.kv.get('SERVERHASH') ?? '');
      const serverNonce = fromHex(p.value.kv.get('SERVERNONCE') ?? '');
      if (serverHash === null || serverHash.length !== 32 || serverNonce === null || serverNonce.length !== 32) {
        throw new TorError('control.bad-reply', 'malformed AUTHCHALLENGE reply');
      }
      const msg = Buffer.concat([cookie, clientNonce, serverNonce]);
      const expected = createHmac('sha256', SAFECOOKIE_SERVER).update(msg).digest();
      if (!timingSafeEqual(expected, serverHash)) {
        this.close();
        throw new TorError('control.serverhash-mismatch', 'the control port could not prove it knows the cookie: not our tor');
      }
      const clientHash = createHmac('sha256', SAFECOOKIE_CLIENT).update(msg).digest();
      await this.command(`AUTHENTICATE ${clientHash.toString('hex')}`);
      return 'SAFECOOKIE';
    }
    if (info.methods.includes('COOKIE')) {
      await this.command(`AUTHENTICATE ${toHex(cookie)}`);
      return 'COOKIE';
    }
    throw new TorError('control.auth-unsupported', 'this tor offers no cookie authentication');
  }

  /** tor exits when this control connection closes. */
  async takeOwnership(): Promise<void> {
    await this.command('TAKEOWNERSHIP');
  }

  async getInfo(...keys: string[]): Promise<Map<string, string>> {
    for (const k of keys) if (!/^[A-Za-z0-9/_.-]+$/.test(k)) throw new TorError('control.bad-argument', 'bad GETINFO key');
    const r = await this.command(`GETINFO ${keys.join(' ')}`);
    const v = getInfoValues(r);
    if (!v.ok) throw new TorError('control.bad-reply', v.error.reason);
    return v.value;
  }

  async setEvents(events: readonly string[]): Promise<void> {
    for (const e of events) if (!/^[A-Z_]+$/.test(e)) throw new TorError('control.bad-argument', 'bad event name');
    await this.command(`SETEVENTS ${events.join(' ')}`);
  }

  /** The SOCKS listener as host and port (`GETINFO net/listeners/socks`, first TCP one). */
  async socksAddress(): Promise<{ host: string; port: number }> {
    const v = (await this.getInfo('net/listeners/socks')).get('net/listeners/socks') ?? '';
    const first = /^"?([0-9.]+):([0-9]{1,5})"?/.exec(v);
    const port = first ? Number(first[2]) : 0;
    if (!first || port < 1 || port > 65535) throw new TorError('control.bad-reply', 'tor reports no TCP SOCKS listener');
    return { host: first[1]!, port };
  }

  async bootstrapPhase(): Promise<BootstrapInfo> {
    const v = (await this.getInfo('status/bootstrap-phase')).get('status/bootstrap-phase') ?? '';
    const b = parseBootstrap(v);
    if (b === null) throw new TorError('control.bad-reply', 'malformed bootstrap phase');
    return b;
  }

  /**
   * Publish an onion service for the 32-byte ed25519 seed, virtual port `virtualPort` → 127.0.0.1:targetPort.
   * Checks that tor's ServiceID is the address we computed from the public key, and returns it.
   */
  async addOnion(seed: Uint8Array, targetPort: number, virtualPort: number = CWTCH_PORT): Promise<OnionAddress> {
    if (!Number.isInteger(targetPort) || targetPort < 1 || targetPort > 65535) throw new TorError('control.bad-argument', 'bad target port');
    if (!Number.isInteger(virtualPort) || virtualPort < 1 || virtualPort > 65535) throw new TorError('control.bad-argument', 'bad virtual port');
    const expected = onionFromPublicKey(ed25519PublicKey(seed));
    const key = toBase64(expandedSecretKey(seed));
    const r = await this.command(`ADD_ONION ED25519-V3:${key} Flags=DiscardPK Port=${virtualPort},127.0.0.1:${targetPort}`);
    let sid: string | undefined;
    for (const l of r.lines) if (l.text.startsWith('ServiceID=')) sid = l.text.slice('ServiceID='.length);
    if (sid === undefined) throw new TorError('control.bad-reply', 'ADD_ONION reply without ServiceID');
    if (sid !== expected) {
      // Remove whatever tor published rather than leave a service we did not ask for.
      if (/^[a-z2-7]{56}$/.test(sid)) await this.send(`DEL_ONION ${sid}`).catch(() => undefined);
      throw new TorError('control.service-id-mismatch', 'tor published a different onion address than our key gives');
    }
    return expected;
  }

  async delOnion(onion: OnionAddress): Promise<void> {
    if (!/^[a-z2-7]{56}$/.test(onion)) throw new TorError('control.bad-argument', 'bad onion address');
    await this.command(`DEL_ONION ${onion}`);
  }

  async signal(sig: 'NEWNYM' | 'SHUTDOWN' | 'HALT' | 'RELOAD'): Promise<void> {
    await this.command(`SIGNAL ${sig}`);
  }

  private onData(chunk: Uint8Array): void {
    const r = this.parser.feed(chunk);
    if (!r.ok) {
      this.fail(new TorError(r.error.code, r.error.reason));
      return;
    }
    for (const reply of r.value) {
      if (reply.status >= 600) {
        try {
          this.eventCb(reply);
        } catch {
          // A consumer bug must not break the control connection.
        }
        continue;
      }
      const p = this.pending.shift();
      if (!p) {
        this.fail(new TorError('control.unexpected-reply', 'tor sent a reply nobody asked for'));
        return;
      }
      p.resolve(reply);
    }
    this.armTimer();
  }

  /** One deadline for the oldest outstanding command; a reply that never ends trips it. */
  private armTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0 || this.failure) return;
    this.timer = setTimeout(() => this.fail(new TorError('control.timeout', 'tor did not answer a control command in time')), this.replyTimeoutMs);
    this.timer.unref();
  }

  private fail(e: TorError): void {
    if (this.failure) return;
    this.failure = e;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.socket.destroy();
    for (const p of this.pending.splice(0)) p.reject(e);
    for (const cb of this.closeCbs.splice(0)) cb(e);
  }
}

/** Parse "NOTICE BOOTSTRAP PROGRESS=N TAG=… SUMMARY="…"" (GETINFO value or STATUS_CLIENT event body). */
export function parseBootstrap(text: string): BootstrapInfo | null {
  const p = parseKeywords(text);
  if (!p.ok) return null;
  const [severity, what] = p.value.words;
  if (what !== 'BOOTSTRAP' || (severity !== 'NOTICE' && severity !== 'WARN' && severity !== 'ERR')) return null;
  const progStr = p.value.kv.get('PROGRESS') ?? '';
  if (!/^[0-9]{1,3}$/.test(progStr)) return null;
  const progress = Number(progStr);
  if (progress > 100) return null;
  const warning = p.value.kv.get('WARNING');
  const reason = p.value.kv.get('REASON');
  return {
    severity,
    progress,
    tag: p.value.kv.get('TAG') ?? '',
    summary: p.value.kv.get('SUMMARY') ?? '',
    ...(warning !== undefined ? { warning } : {}),
    ...(reason !== undefined ? { reason } : {}),
  };
}

/** The bootstrap info of a "650 STATUS_CLIENT … BOOTSTRAP …" event, or null for any other event. */
export function bootstrapFromEvent(r: Reply): BootstrapInfo | null {
  const t = r.lines[0]?.text ?? '';
  if (!t.startsWith('STATUS_CLIENT ')) return null;
  return parseBootstrap(t.slice('STATUS_CLIENT '.length));
}

/** tor's "expanded" ed25519 secret key: SHA-512(seed), clamped, all 64 bytes (docs/tor.md, rend-spec-v3 A.2). */
export function expandedSecretKey(seed: Uint8Array): Uint8Array {
  if (seed.length !== 32) throw new TorError('control.bad-argument', 'an ed25519 seed is 32 bytes');
  const h = new Uint8Array(createHash('sha512').update(seed).digest());
  h[0]! &= 248;
  h[31]! &= 127;
  h[31]! |= 64;
  return h;
}

// RFC 8410 PKCS#8 wrapping of a raw ed25519 seed.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The ed25519 public key of a 32-byte seed (node's crypto, so src/tor needs no curve library). */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  if (seed.length !== 32) throw new TorError('control.bad-argument', 'an ed25519 seed is 32 bytes');
  const priv = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(priv).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(spki.length - 32));
}

async function readCookie(file: string): Promise<Uint8Array> {
  let c: Buffer;
  try {
    c = await readFile(file);
  } catch {
    throw new TorError('control.bad-cookie', 'could not read the tor control cookie file');
  }
  if (c.length !== 32) throw new TorError('control.bad-cookie', 'the tor control cookie file is not 32 bytes');
  return new Uint8Array(c);
}

/** tor's reply text, made safe to show: printable ASCII only, bounded. */
function sanitize(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}
