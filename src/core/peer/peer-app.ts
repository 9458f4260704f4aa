// PeerApp: the Cwtch peer protocol on one connection (docs/protocol.md §6, §10), run after the auth app.
// After AuthenticationCapability: set "cwtchCapability" [unverified], close at once if the engine refuses the
// peer (blocked, or unknown while unknown peers are blocked), announce our version in v1 framing, ask for the
// peer's public name, then read: v1/v2 envelopes, raw (chat) messages acked only after the engine has committed
// them, acks, getVal/retVal. Unknown contexts and overlays are ignored; malformed envelopes close the connection.
// Pure: clock and randomness come in through the ports.

import { encodeGoJsonBytes, getBool, getString, goJson, parseJsonObject } from '../codec/go-json.js';
import type { OnionAddress } from '../crypto/onion.js';
import { MAX_ENCRYPTED_PAYLOAD, PEER_RATE_BURST, PEER_RATE_PER_SECOND } from '../limits.js';
import type { Clock, Random } from '../ports.js';
import { fail, ok, type Result } from '../result.js';
import { AfterAuthApp } from '../tapir/apps/after-auth.js';
import type { AuthApp } from '../tapir/apps/auth-app.js';
import type { Connection } from '../tapir/connection.js';
import { decodeOverlay, encodeOverlay, EXTENSION_OVERLAYS, KNOWN_OVERLAYS, validateOverlayData, type Overlay } from './overlay.js';
import {
  ackFor,
  CONTEXT_ACK,
  CONTEXT_GET_VAL,
  CONTEXT_RAW,
  CONTEXT_RET_VAL,
  decodePeerMessage,
  encodePeerMessage,
  isVersionAnnouncement,
  versionAnnouncement,
  type Framing,
  type PeerMessage,
} from './peer-message.js';
import { TokenBucket } from './rate-limit.js';

/** The capability PeerApp sets once it runs. [unverified: cwtch protocol/connections/peerapp.go] */
export const CWTCH_CAPABILITY = 'cwtchCapability';
/** getVal scope and path of the public profile name (docs/protocol.md §6.2) [unverified]; `name` is the older path. */
export const NAME_SCOPE = 'public';
export const NAME_PATH = 'profile.name';
const NAME_PATH_OLD = 'name';
/**
 * Our extension capabilities, asked with a getVal at session start (docs/protocol.md §12.3): a Cwtch 1.x peer answers
 * Exists:false, so it is never sent an extension overlay (the Cwtch app would show one as a malformed message).
 */
export const EXTENSIONS_PATH = 'cwtch-tui.extensions';
export const EXTENSION_GROUP_REPAIR = 'group-repair/1';
/** Group-servers notices: mirrors and moves (docs/protocol.md §12.6). */
export const EXTENSION_GROUP_SERVERS = 'group-servers/1';
const OUR_EXTENSIONS = [EXTENSION_GROUP_REPAIR, EXTENSION_GROUP_SERVERS];

/** A random decimal message id from a uniform 32-bit integer (docs/protocol.md §6.2 [unverified]). */
export function newMessageId(random: Random): string {
  const b = random.bytes(4);
  return String(((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!);
}

/** One authenticated peer connection, as the engine sees it. */
export interface PeerSession {
  readonly onion: OnionAddress;
  readonly outbound: boolean;
  readonly closed: boolean;
  /** The framing we send with: 1 until the peer announces version ≥ 2. */
  readonly framing: Framing;
  /** The cwtch-tui extensions the peer says it speaks (empty for Cwtch 1.x peers). */
  readonly extensions: ReadonlySet<string>;
  /**
   * Send a chat message, given as its overlay or as the overlay's JSON already encoded (encodeOverlay; the outbox
   * sends the bytes it stored); fails with 'peer.too-large' (nothing sent) or 'tapir.closed'.
   */
  sendMessage(id: string, overlay: Overlay | Uint8Array): Result<void>;
  close(): void;
}

export interface PeerHandler {
  /** Called right after authentication; false closes the connection before anything is read. */
  admit(onion: OnionAddress): boolean;
  opened(s: PeerSession): void;
  closed(s: PeerSession): void;
  /**
   * A chat message with a known overlay. Resolve true once it is committed (we then acknowledge it), false to
   * drop it unacknowledged (the sender keeps it in its outbox). Duplicates must resolve true again.
   */
  message(s: PeerSession, id: string, overlay: Overlay): Promise<boolean> | boolean;
  /** An acknowledgement of one of our messages. */
  ack(s: PeerSession, id: string): void;
  /** The peer's public profile name (untrusted text). */
  name(s: PeerSession, name: string): void;
  /** Our public profile name, answered to getVal. */
  publicName(): string;
  /** An envelope or overlay we ignored or refused, by code (for counters and tests; never its content). */
  ignored?(s: PeerSession, code: string): void;
  /**
   * One of our extension overlays (EXTENSION_OVERLAYS: gap repair, docs/protocol.md §12.3): never stored as a chat
   * message, never acknowledged (the sender keeps no outbox entry for it).
   */
  extension?(s: PeerSession, overlay: Overlay): void;
  /** The peer announced v2 framing or its extensions (what our extension overlays need). */
  upgraded?(s: PeerSession): void;
}

export interface PeerAppOptions {
  /** The authentication app run first on every connection. */
  readonly auth: AuthApp;
  readonly handler: PeerHandler;
  readonly clock: Clock;
  readonly random: Random;
  readonly ratePerSecond?: number;
  readonly rateBurst?: number;
}

/** Encodes `m` in `framing`, or fails when it would not fit one encrypted packet. */
function encodeChecked(m: PeerMessage, framing: Framing): Result<Uint8Array> {
  const b = encodePeerMessage(m, framing);
  return b.length > MAX_ENCRYPTED_PAYLOAD ? fail('peer.too-large', 'the message is too long for one packet') : ok(b);
}

/** Whether a chat message (its overlay, or the overlay's JSON) fits one packet in either framing (v1 is the larger: Data is base64). */
export function chatMessageFits(id: string, overlay: Overlay | Uint8Array): boolean {
  return encodeChecked({ id, context: CONTEXT_RAW, data: overlayBytes(overlay) }, 1).ok;
}

function overlayBytes(overlay: Overlay | Uint8Array): Uint8Array {
  return overlay instanceof Uint8Array ? overlay : encodeOverlay(overlay);
}

class Session implements PeerSession {
  framing: Framing = 1;
  extensions: ReadonlySet<string> = new Set();
  constructor(
    private readonly conn: Connection,
    readonly onion: OnionAddress,
  ) {}
  get outbound(): boolean {
    return this.conn.outbound;
  }
  get closed(): boolean {
    return this.conn.closed;
  }
  send(m: PeerMessage, framing: Framing = this.framing): Result<void> {
    const b = encodeChecked(m, framing);
    return b.ok ? this.conn.send(b.value) : b;
  }
  sendMessage(id: string, overlay: Overlay | Uint8Array): Result<void> {
    return this.send({ id, context: CONTEXT_RAW, data: overlayBytes(overlay) });
  }
  close(): void {
    this.conn.close('local');
  }
}

export class PeerApp extends AfterAuthApp {
  constructor(private readonly opts: PeerAppOptions) {
    super(opts.auth);
  }

  override newInstance(): PeerApp {
    return new PeerApp({ ...this.opts, auth: this.auth.newInstance() });
  }

  protected override async afterAuth(conn: Connection): Promise<void> {
    const onion = conn.hostname;
    // The service closes a duplicate as soon as auth ends; nothing more to do on it then.
    if (conn.closed || onion === null) return;
    conn.setCapability(CWTCH_CAPABILITY);
    const { handler } = this.opts;
    if (!handler.admit(onion)) return conn.close('local');
    const s = new Session(conn, onion);
    const nameRequestId = newMessageId(this.opts.random);
    conn.onClose(() => handler.closed(s));
    handler.opened(s);
    // The announcement always goes in v1 (docs/protocol.md §6.1); so does our first getVal, before we know theirs.
    if (!s.send(versionAnnouncement(), 1).ok) return;
    s.send({ id: nameRequestId, context: CONTEXT_GET_VAL, data: encodeGetVal(NAME_SCOPE, NAME_PATH) });
    const extensionsRequestId = newMessageId(this.opts.random);
    s.send({ id: extensionsRequestId, context: CONTEXT_GET_VAL, data: encodeGetVal(NAME_SCOPE, EXTENSIONS_PATH) });
    const bucket = new TokenBucket(this.opts.clock, this.opts.ratePerSecond ?? PEER_RATE_PER_SECOND, this.opts.rateBurst ?? PEER_RATE_BURST);
    for (;;) {
      const bytes = await conn.expect();
      if (bytes === null) return;
      const m = decodePeerMessage(bytes);
      if (!m.ok) {
        handler.ignored?.(s, m.error.code);
        return conn.close('protocol');
      }
      const msg = m.value;
      switch (msg.context) {
        case CONTEXT_RAW: {
          await bucket.acquire();
          if (conn.closed) return;
          const o = decodeOverlay(msg.data);
          if (!o.ok) {
            handler.ignored?.(s, o.error.code);
            return conn.close('protocol');
          }
          if (EXTENSION_OVERLAYS.has(o.value.overlay) && handler.extension !== undefined) {
            // Not acknowledged: no outbox waits for it, and on a metered link an ack is another full packet (a
            // repair reply part would cost twice its bytes).
            handler.extension(s, o.value);
            break;
          }
          if (!KNOWN_OVERLAYS.has(o.value.overlay)) {
            // Acked so the sender stops re-sending something we will never show (e.g. file sharing).
            handler.ignored?.(s, 'overlay.unknown');
            s.send(ackFor(msg.id));
            break;
          }
          const valid = validateOverlayData(o.value);
          if (!valid.ok) {
            handler.ignored?.(s, valid.error.code);
            s.send(ackFor(msg.id));
            break;
          }
          const stored = await handler.message(s, msg.id, valid.value);
          if (stored && !conn.closed) s.send(ackFor(msg.id));
          break;
        }
        case CONTEXT_ACK:
          handler.ack(s, msg.id);
          break;
        case CONTEXT_GET_VAL: {
          const v = isVersionAnnouncement(msg);
          if (v !== null) {
            if (v >= 2 && s.framing !== 2) {
              s.framing = 2;
              handler.upgraded?.(s);
            }
            break;
          }
          s.send({ id: msg.id, context: CONTEXT_RET_VAL, data: this.answer(msg.data) });
          break;
        }
        case CONTEXT_RET_VAL: {
          if (msg.id === extensionsRequestId) {
            const r = parseJsonObject(msg.data);
            const val = r.ok && getBool(r.value, 'Exists') === true ? getString(r.value, 'Val') : undefined;
            // A bounded, known list: only names we speak are kept.
            const theirs = new Set((val ?? '').slice(0, 256).split(','));
            s.extensions = new Set(OUR_EXTENSIONS.filter((x) => theirs.has(x)));
            if (s.extensions.size > 0) handler.upgraded?.(s);
            break;
          }
          if (msg.id !== nameRequestId) break;
          const r = parseJsonObject(msg.data);
          const val = r.ok ? getString(r.value, 'Val') : undefined;
          if (r.ok && getBool(r.value, 'Exists') === true && val !== undefined) handler.name(s, val);
          break;
        }
        default:
          handler.ignored?.(s, 'context.unknown');
      }
    }
  }

  private answer(data: Uint8Array): Uint8Array {
    const r = parseJsonObject(data);
    const scope = r.ok ? getString(r.value, 'Scope') : undefined;
    const path = r.ok ? getString(r.value, 'Path') : undefined;
    if (scope === NAME_SCOPE && path === EXTENSIONS_PATH) return encodeRetVal(OUR_EXTENSIONS.join(','), true);
    const known = scope === NAME_SCOPE && (path === NAME_PATH || path === NAME_PATH_OLD);
    return encodeRetVal(known ? this.opts.handler.publicName() : '', known);
  }
}

/** Go json.Marshal of `{Scope, Path}` (docs/protocol.md §6.2). */
export function encodeGetVal(scope: string, path: string): Uint8Array {
  return encodeGoJsonBytes(goJson.object([['Scope', goJson.string(scope)], ['Path', goJson.string(path)]]));
}

/** Go json.Marshal of `{Val, Exists}` (docs/protocol.md §6.2). */
export function encodeRetVal(val: string, exists: boolean): Uint8Array {
  return encodeGoJsonBytes(goJson.object([['Val', goJson.string(val)], ['Exists', goJson.bool(exists)]]));
}
