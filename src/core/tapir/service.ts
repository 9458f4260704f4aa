// A Tapir service: one identity, its onion listener (long-term) or none (ephemeral), and the registry of its
// connections with tapir's duplicate rules. Keep one long-term service per profile and a separate ephemeral
// service per throw-away identity; they never share a registry (handbook "Ephemeral Connections": a shared one
// would let a server probe which peers we are connected to). docs/protocol.md §9; handbook "Double Connections".

import type { CryptoBackend } from '../crypto/backend.js';
import { newIdentity, type Identity } from '../crypto/identity.js';
import type { OnionAddress } from '../crypto/onion.js';
import { TAPIR_HANDSHAKE_TIMEOUT_MS, TAPIR_MAX_CONNECTIONS, TAPIR_MAX_PENDING_HANDSHAKES } from '../limits.js';
import { CwtchError } from '../errors.js';
import type { Acn, Listener, Stream } from '../net/acn.js';
import type { Clock, Random, TimerHandle } from '../ports.js';
import { fail, ok, type Result } from '../result.js';
import type { Application } from './apps/application.js';
import { Connection, type CloseCode } from './connection.js';
import { AUTH_CAPABILITY } from './wire-constants.js';

/** Connection states in Go's enum order (cwtch protocol/connections/state.go, [unverified] order). */
export const CONNECTION_STATES = ['Disconnected', 'Connecting', 'Connected', 'Authenticated', 'Synced', 'Failed', 'Killed'] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

export interface StateChange {
  readonly hostname: OnionAddress;
  readonly state: ConnectionState;
}

export interface ServiceOptions {
  readonly acn: Acn;
  readonly identity: Identity;
  readonly backend: CryptoBackend;
  readonly random: Random;
  readonly clock: Clock;
  /** The capability that ends the handshake (deadline, duplicate check, "Authenticated"). Default: AuthenticationCapability. */
  readonly handshakeCapability?: string;
  readonly handshakeTimeoutMs?: number;
  readonly maxPendingHandshakes?: number;
  readonly maxConnections?: number;
}

export class TapirService {
  readonly identity: Identity;
  private readonly conns = new Map<number, Connection>();
  private readonly stateCbs: ((c: StateChange) => void)[] = [];
  private readonly synced = new Set<number>();
  private listener: Listener | null = null;
  private nextId = 1;
  private pendingInbound = 0;
  private shutDown = false;
  private readonly hsCap: string;

  constructor(private readonly opts: ServiceOptions) {
    this.identity = opts.identity;
    this.hsCap = opts.handshakeCapability ?? AUTH_CAPABILITY;
  }

  /** A service with a fresh random identity, for one server or token-service connection. */
  static ephemeral(opts: Omit<ServiceOptions, 'identity'>): TapirService {
    return new TapirService({ ...opts, identity: newIdentity(opts.backend, opts.random) });
  }

  get onion(): OnionAddress {
    return this.identity.onion;
  }

  /** Publish this identity's onion and run `app` (a fresh instance) on each inbound connection. */
  async listen(app: Application): Promise<void> {
    if (this.listener !== null) return;
    const l = await this.opts.acn.listen(this.identity.seed, this.identity.onion);
    this.listener = l;
    l.onStream((s) => this.accept(s, app));
  }

  /**
   * Dial `hostname` and start `app` on the new connection. Resolves once the stream is open (the handshake runs
   * on); wait for it with waitForCapabilityOrClose. Fails with `tapir.already-connected` if a connection to that
   * hostname is open (checked before and after dialling), `tapir.dial-failed`, `tapir.capacity` or `tapir.closed`.
   */
  async connect(hostname: OnionAddress, app: Application): Promise<Result<Connection>> {
    if (this.shutDown) return fail('tapir.closed', 'service is closed');
    if (this.getConnection(hostname).ok) return fail('tapir.already-connected', 'already connected');
    if (this.conns.size >= this.max('maxConnections')) return fail('tapir.capacity', 'too many connections');
    this.emit(hostname, 'Connecting');
    let stream: Stream;
    try {
      stream = await this.opts.acn.dial(hostname);
    } catch (e) {
      if (!this.getConnection(hostname).ok) this.emit(hostname, 'Failed');
      // The network's own reason (tor's, or ours): written for people, never with an address in it.
      return fail('tapir.dial-failed', e instanceof CwtchError ? e.message : 'could not reach the peer');
    }
    if (this.shutDown || this.getConnection(hostname).ok) {
      stream.close();
      return this.shutDown ? fail('tapir.closed', 'service is closed') : fail('tapir.already-connected', 'already connected');
    }
    const conn = this.register(stream, true, hostname);
    this.emit(hostname, 'Connected');
    this.run(conn, app);
    return ok(conn);
  }

  /** An open connection to `hostname`; with duplicates, the one that finished its handshake, oldest first. */
  getConnection(hostname: OnionAddress): Result<Connection> {
    let best: Connection | null = null;
    for (const c of this.conns.values()) {
      if (c.closed || c.hostname !== hostname) continue;
      if (best === null || (!best.hasCapability(this.hsCap) && c.hasCapability(this.hsCap))) best = c;
    }
    return best === null ? fail('tapir.no-connection', 'no connection') : ok(best);
  }

  /**
   * Resolves with a connection to `hostname` holding `cap`, or fails once none is left open
   * (`tapir.no-connection`) or after `timeoutMs`. If a duplicate closes while we wait, the survivor is used.
   */
  waitForCapabilityOrClose(hostname: OnionAddress, cap: string, timeoutMs?: number): Promise<Result<Connection>> {
    return new Promise((resolve) => {
      let done = false;
      let timer: TimerHandle | null = null;
      let unsubscribe: (() => void)[] = [];
      const finish = (r: Result<Connection>): void => {
        if (done) return;
        done = true;
        if (timer !== null) this.opts.clock.clearTimeout(timer);
        for (const u of unsubscribe) u();
        resolve(r);
      };
      if (timeoutMs !== undefined) timer = this.opts.clock.setTimeout(() => finish(fail('tapir.timeout', 'timed out')), timeoutMs);
      const check = (): void => {
        if (done) return;
        for (const c of this.conns.values()) {
          if (!c.closed && c.hostname === hostname && c.hasCapability(cap)) return finish(ok(c));
        }
        const c = this.getConnection(hostname);
        if (!c.ok) return finish(c);
        for (const u of unsubscribe) u();
        unsubscribe = [c.value.onCapability(check), c.value.onClose(check)];
      };
      check();
    });
  }

  /** Open connections (a snapshot). */
  connections(): Connection[] {
    return [...this.conns.values()].filter((c) => !c.closed);
  }

  onStateChange(cb: (c: StateChange) => void): void {
    this.stateCbs.push(cb);
  }

  /** A higher layer finished its sync (e.g. a server replay): report "Synced" for this connection. */
  markSynced(conn: Connection): void {
    if (conn.closed || conn.hostname === null || this.synced.has(conn.id)) return;
    this.synced.add(conn.id);
    this.emit(conn.hostname, 'Synced');
  }

  /** Close every connection to `hostname` and report "Killed". */
  kill(hostname: OnionAddress): void {
    let any = false;
    for (const c of this.conns.values()) {
      if (c.hostname !== hostname) continue;
      any = true;
      this.killed.add(c.id);
      c.close('local');
    }
    if (any) this.emit(hostname, 'Killed');
  }

  /** Stop listening and close every connection. */
  async close(): Promise<void> {
    if (this.shutDown) return;
    this.shutDown = true;
    const hosts = new Set<OnionAddress>();
    for (const c of this.conns.values()) {
      if (c.hostname !== null) hosts.add(c.hostname);
      this.killed.add(c.id);
      c.close('local');
    }
    for (const h of hosts) this.emit(h, 'Killed');
    const l = this.listener;
    this.listener = null;
    await l?.close();
  }

  private readonly killed = new Set<number>();

  private max(k: 'maxConnections' | 'maxPendingHandshakes'): number {
    return this.opts[k] ?? (k === 'maxConnections' ? TAPIR_MAX_CONNECTIONS : TAPIR_MAX_PENDING_HANDSHAKES);
  }

  private accept(stream: Stream, app: Application): void {
    if (this.shutDown || this.conns.size >= this.max('maxConnections') || this.pendingInbound >= this.max('maxPendingHandshakes')) {
      stream.close();
      return;
    }
    const conn = this.register(stream, false);
    this.pendingInbound++;
    let pending = true;
    const settle = (): void => {
      if (pending) this.pendingInbound--;
      pending = false;
    };
    conn.onCapability((c) => c === this.hsCap && settle());
    conn.onClose(settle);
    this.run(conn, app);
  }

  private register(stream: Stream, outbound: boolean, hostname?: OnionAddress): Connection {
    const conn = new Connection(stream, {
      outbound,
      hostname,
      backend: this.opts.backend,
      random: this.opts.random,
      scheduler: this.opts.clock,
      id: this.nextId++,
    });
    this.conns.set(conn.id, conn);
    const deadline = this.opts.clock.setTimeout(() => {
      if (!conn.hasCapability(this.hsCap)) conn.close('deadline');
    }, this.opts.handshakeTimeoutMs ?? TAPIR_HANDSHAKE_TIMEOUT_MS);
    conn.onCapability((cap) => {
      if (cap !== this.hsCap) return;
      this.opts.clock.clearTimeout(deadline);
      this.handshakeDone(conn);
    });
    conn.onClose((code) => {
      this.opts.clock.clearTimeout(deadline);
      this.conns.delete(conn.id);
      this.closed(conn, code);
    });
    return conn;
  }

  /** Handbook rule 2: after the handshake, if another connection to that host is open, the newer one goes. */
  private handshakeDone(conn: Connection): void {
    const h = conn.hostname;
    if (h === null) return;
    for (const c of this.conns.values()) {
      if (c !== conn && !c.closed && c.hostname === h) {
        conn.close('duplicate');
        return;
      }
    }
    this.emit(h, 'Authenticated');
  }

  private closed(conn: Connection, code: CloseCode): void {
    this.synced.delete(conn.id);
    const wasKilled = this.killed.delete(conn.id);
    const h = conn.hostname;
    if (h === null || wasKilled || code === 'duplicate' || this.getConnection(h).ok) return;
    this.emit(h, conn.hasCapability(this.hsCap) ? 'Disconnected' : 'Failed');
  }

  private run(conn: Connection, app: Application): void {
    // A throwing app is our bug, but one connection's bug must not take the process down: close it.
    app
      .newInstance()
      .init(conn)
      .catch(() => conn.close('protocol'));
  }

  private emit(hostname: OnionAddress, state: ConnectionState): void {
    for (const cb of [...this.stateCbs]) cb({ hostname, state });
  }
}
