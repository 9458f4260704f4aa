// SOCKS5 client (RFC 1928) for `<onion>.onion:port` through tor. Domain-name requests only (ATYP 3):
// the name goes to tor, never to a local resolver. tor's ExtendedErrors codes (proposal 304) become
// reasons a person understands. A server that answers garbage is a typed error, never a crash.

import { connect, type Socket } from 'node:net';
import { isOnionAddress, type OnionAddress } from '../core/crypto/onion.js';
import { TOR_SOCKS_TIMEOUT_MS } from '../core/limits.js';
import { fail, ok, type Result } from '../core/result.js';
import { TorError, type TorErrorCode } from './errors.js';

export interface SocksReplyInfo {
  readonly code: TorErrorCode;
  readonly reason: string;
}

/** SOCKS5 reply code → our code and a sentence (RFC 1928 §6; tor proposal 304 for 0xF0–0xF7). */
export const SOCKS_REPLIES: ReadonlyMap<number, SocksReplyInfo> = new Map([
  [0x01, { code: 'socks.general-failure', reason: 'tor could not make the connection (general failure)' }],
  [0x02, { code: 'socks.not-allowed', reason: 'tor\'s rules do not allow this connection' }],
  [0x03, { code: 'socks.network-unreachable', reason: 'the network is unreachable' }],
  [0x04, { code: 'socks.host-unreachable', reason: 'the contact could not be reached' }],
  [0x05, { code: 'socks.refused', reason: 'the contact refused the connection (it does not offer this service)' }],
  [0x06, { code: 'socks.ttl-expired', reason: 'the connection attempt timed out inside tor' }],
  [0x07, { code: 'socks.command-unsupported', reason: 'tor does not support this request' }],
  [0x08, { code: 'socks.address-unsupported', reason: 'tor does not support this address type' }],
  [0xf0, { code: 'socks.onion-not-found', reason: 'contact offline or not yet published' }],
  [0xf1, { code: 'socks.onion-descriptor-invalid', reason: 'the contact\'s onion service descriptor is invalid' }],
  [0xf2, { code: 'socks.onion-intro-failed', reason: 'could not introduce to the contact (it may have just gone offline)' }],
  [0xf3, { code: 'socks.onion-rendezvous-failed', reason: 'the contact did not complete the rendezvous' }],
  [0xf4, { code: 'socks.onion-auth-missing', reason: 'the contact requires client authorization we do not have' }],
  [0xf5, { code: 'socks.onion-auth-wrong', reason: 'the contact rejected our client authorization' }],
  [0xf6, { code: 'socks.onion-bad-address', reason: 'bad onion address' }],
  [0xf7, { code: 'socks.onion-intro-timeout', reason: 'introduction to the contact timed out' }],
]);

export function socksError(rep: number): TorError {
  const info = SOCKS_REPLIES.get(rep);
  if (info) return new TorError(info.code, info.reason);
  return new TorError('socks.unknown-error', `tor answered with unknown SOCKS error 0x${rep.toString(16).padStart(2, '0')}`);
}

/** The CONNECT request for `host:port`, ATYP 3 (domain name). */
export function connectRequest(host: string, port: number): Uint8Array {
  const name = new TextEncoder().encode(host);
  if (name.length < 1 || name.length > 255) throw new TorError('socks.address-unsupported', 'host name too long for SOCKS5');
  return Uint8Array.of(0x05, 0x01, 0x00, 0x03, name.length, ...name, port >> 8, port & 0xff);
}

/**
 * Decode a CONNECT reply from the start of `buf`: null while incomplete, else the reply code and the
 * number of bytes it used (bytes after that belong to the stream). Garbage is an error.
 */
export function decodeConnectReply(buf: Uint8Array): Result<{ rep: number; used: number } | null> {
  if (buf.length >= 1 && buf[0] !== 0x05) return fail('socks.bad-reply', 'the SOCKS server answered with the wrong version');
  if (buf.length >= 3 && buf[2] !== 0x00) return fail('socks.bad-reply', 'the SOCKS reply has a non-zero reserved byte');
  if (buf.length < 5) return ok(null);
  const atyp = buf[3];
  let addrLen: number;
  if (atyp === 0x01) addrLen = 4;
  else if (atyp === 0x04) addrLen = 16;
  else if (atyp === 0x03) addrLen = 1 + buf[4]!;
  else return fail('socks.bad-reply', 'the SOCKS reply has an unknown address type');
  const used = 4 + addrLen + 2;
  if (buf.length < used) return ok(null);
  return ok({ rep: buf[1]!, used });
}

export interface SocksTarget {
  readonly host: string;
  readonly port: number;
}

/**
 * Open a stream to `<onion>.onion:port` through the SOCKS5 server at `proxy`. Resolves with the
 * connected socket (any bytes past the reply are pushed back onto it), rejects with a TorError.
 */
export function socksConnect(proxy: SocksTarget, onion: OnionAddress, port: number, timeoutMs: number = TOR_SOCKS_TIMEOUT_MS): Promise<Socket> {
  if (!isOnionAddress(onion)) return Promise.reject(new TorError('socks.onion-bad-address', 'bad onion address'));
  if (!Number.isInteger(port) || port < 1 || port > 65535) return Promise.reject(new TorError('socks.address-unsupported', 'bad port'));
  return new Promise<Socket>((resolve, reject) => {
    const s = connect({ host: proxy.host, port: proxy.port });
    let phase: 'method' | 'reply' | 'done' = 'method';
    let buf = new Uint8Array(0);
    const finish = (e: TorError | null): void => {
      if (phase === 'done') return;
      phase = 'done';
      clearTimeout(timer);
      s.off('data', onData);
      s.off('close', onClose);
      if (e) {
        s.destroy();
        reject(e);
        return;
      }
      // Paused until the consumer attaches (socketStream resumes), so no early byte is lost;
      // onError stays attached as a no-op so a later error is never unhandled.
      s.pause();
      resolve(s);
    };
    const timer = setTimeout(() => finish(new TorError('socks.timeout', 'connecting through tor timed out')), timeoutMs);
    const onError = (): void => finish(new TorError('socks.connect-failed', 'could not reach tor\'s SOCKS port'));
    const onClose = (): void => finish(new TorError('socks.closed', 'tor closed the SOCKS connection during the handshake'));
    const onData = (chunk: Buffer): void => {
      const joined = new Uint8Array(buf.length + chunk.length);
      joined.set(buf);
      joined.set(chunk, buf.length);
      buf = joined;
      if (phase === 'method') {
        if (buf.length < 2) return;
        if (buf[0] !== 0x05) return finish(new TorError('socks.bad-reply', 'the SOCKS server answered with the wrong version'));
        if (buf[1] !== 0x00) return finish(new TorError('socks.auth-refused', 'the SOCKS server refused our (lack of) authentication'));
        buf = buf.slice(2);
        phase = 'reply';
        s.write(connectRequest(`${onion}.onion`, port));
      }
      if (phase === 'reply') {
        const r = decodeConnectReply(buf);
        if (!r.ok) return finish(new TorError('socks.bad-reply', r.error.reason));
        if (r.value === null) {
          // A reply is at most 4 + 256 + 2 bytes; more without completing is garbage.
          if (buf.length > 262) finish(new TorError('socks.bad-reply', 'the SOCKS reply is too long'));
          return;
        }
        if (r.value.rep !== 0x00) return finish(socksError(r.value.rep));
        const rest = buf.subarray(r.value.used);
        finish(null);
        if (rest.length > 0) s.unshift(Buffer.from(rest));
      }
    };
    s.on('error', onError);
    s.on('close', onClose);
    s.on('data', onData);
    s.once('connect', () => s.write(Uint8Array.of(0x05, 0x01, 0x00)));
  });
}
