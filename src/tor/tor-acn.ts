// The tor ACN (handbook "Connectivity"): our own tor child process (or, only with an auth token, a
// system tor), onion services published with ADD_ONION on a 127.0.0.1 listener, dials through SOCKS.
// Supervision: a tor that dies is reported, restarted with back-off and our services re-published. What the status
// says (bootstrap progress, stalls, waiting for ready) is tor-status.ts.

import { createServer, type Server, type Socket } from 'node:net';
import { isOnionAddress, onionFromPublicKey, type OnionAddress } from '../core/crypto/onion.js';
import {
  CWTCH_PORT,
  TOR_BOOTSTRAP_STALL_MS,
  TOR_DIAL_RETRY_MAX_MS,
  TOR_DIAL_RETRY_MIN_MS,
  TOR_DIAL_RETRY_WINDOW_MS,
  TOR_RESTART_MAX_MS,
  TOR_RESTART_MIN_MS,
} from '../core/limits.js';
import type { Acn, AcnStatus, Listener, Stream } from '../core/net/acn.js';
import { bootstrapFromEvent, ControlPort, ed25519PublicKey, type ControlAuth } from './control-port.js';
import { TorError } from './errors.js';
import { findTor } from './find-tor.js';
import { socketStream } from './socket-stream.js';
import { socksConnect } from './socks.js';
import { TorProcess } from './tor-process.js';
import { TorStatus } from './tor-status.js';

interface CommonOptions {
  /** No bootstrap progress for this long → a 'failed' status saying so (recoverable). */
  readonly bootstrapStallMs?: number;
  /** dial() retries "descriptor not found" (0xF0) for this long. */
  readonly dialRetryWindowMs?: number;
  readonly restartMinMs?: number;
  readonly restartMaxMs?: number;
  /** Status updates from the very start (setStatusCallback replaces it later). */
  readonly onStatus?: (s: AcnStatus) => void;
}

export interface OwnTorOptions extends CommonOptions {
  readonly mode?: 'own';
  /** State directory of our tor (DataDirectory, torrc, cookie, log). */
  readonly dir: string;
  /** Explicit tor binary; else CWTCH_TOR, else PATH (find-tor.ts). */
  readonly torPath?: string;
  /** Appended to the generated torrc, e.g. `%include /path/torrc.network`. */
  readonly extraTorrc?: string;
  /** PID tor watches (__OwningControllerProcess); defaults to ours. */
  readonly ownerPid?: number;
}

export interface AttachOptions extends CommonOptions {
  readonly mode: 'attach';
  /** `host:port` of the system tor's control port. */
  readonly control: string;
  /** Required: without a token we never attach to a tor we did not start. */
  readonly auth: ControlAuth;
}

export type TorAcnOptions = OwnTorOptions | AttachOptions;

interface Service {
  readonly seed: Uint8Array;
  readonly onion: OnionAddress;
  readonly server: Server;
  readonly port: number;
  readonly sockets: Set<Socket>;
  published: boolean;
}

export class TorAcn implements Acn {
  private readonly status: TorStatus;
  private control: ControlPort | null = null;
  private socks: { host: string; port: number } | null = null;
  private proc: TorProcess | null = null;
  private readonly services = new Map<OnionAddress, Service>();
  private gen = 0;
  private closing = false;
  private restarting = false;
  private restartDelay: number;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Unexpected tor exits seen (for tests and diagnostics). */
  crashes = 0;

  private constructor(private readonly opts: TorAcnOptions) {
    this.restartDelay = opts.restartMinMs ?? TOR_RESTART_MIN_MS;
    this.status = new TorStatus(opts.bootstrapStallMs ?? TOR_BOOTSTRAP_STALL_MS, () => this.closing, opts.onStatus);
  }

  /** Start (or attach to) tor and return once the control connection is authenticated; bootstrap continues. */
  static async start(opts: TorAcnOptions): Promise<TorAcn> {
    if (opts.mode === 'attach' && (opts.auth === undefined || opts.auth === null)) {
      throw new TorError('tor.bad-options', 'attaching to a tor we did not start needs a cookie file or a password');
    }
    const acn = new TorAcn(opts);
    if (opts.mode !== 'attach') {
      const found = await findTor(opts.torPath !== undefined ? { torPath: opts.torPath } : {});
      acn.proc = new TorProcess({
        torPath: found.path,
        dir: opts.dir,
        ...(opts.extraTorrc !== undefined ? { extraTorrc: opts.extraTorrc } : {}),
        ...(opts.ownerPid !== undefined ? { ownerPid: opts.ownerPid } : {}),
      });
      acn.proc.onExit(() => acn.lost('the process exited'));
    }
    await acn.connect();
    return acn;
  }

  /** PID of our tor child (own mode), for supervision tests and diagnostics. */
  get torPid(): number | null {
    return this.proc?.running ? this.proc.pid : null;
  }

  /** The live control connection (diagnostics and tests); null while restarting. */
  get controlPort(): ControlPort | null {
    return this.control;
  }

  get socksAddress(): { host: string; port: number } | null {
    return this.socks;
  }

  get cookieFile(): string | null {
    return this.proc?.paths.cookieFile ?? null;
  }

  getBootstrapStatus(): AcnStatus {
    return this.status.current;
  }

  setStatusCallback(cb: (s: AcnStatus) => void): void {
    this.status.setCallback(cb);
  }

  /** Resolves at PROGRESS=100; rejects on close or after timeoutMs. */
  waitUntilReady(timeoutMs: number): Promise<void> {
    return this.status.waitUntilReady(timeoutMs);
  }

  async listen(seed: Uint8Array, onion: OnionAddress): Promise<Listener> {
    this.assertOpen();
    if (seed.length !== 32 || onionFromPublicKey(ed25519PublicKey(seed)) !== onion) {
      throw new TorError('control.service-id-mismatch', 'the onion address does not belong to this key');
    }
    if (this.services.has(onion)) throw new TorError('tor.bad-options', 'this onion service is already published');
    const sockets = new Set<Socket>();
    let streamCb: ((s: Stream) => void) | null = null;
    const early: Stream[] = [];
    const server = createServer((sock) => {
      sockets.add(sock);
      sock.once('close', () => sockets.delete(sock));
      const s = socketStream(sock);
      if (streamCb) streamCb(s);
      else early.push(s);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', () => reject(new TorError('tor.bad-options', 'could not open a local listener')));
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as { port: number }).port;
    const svc: Service = { seed: Uint8Array.from(seed), onion, server, port, sockets, published: false };
    this.services.set(onion, svc);
    try {
      await this.publish(svc);
    } catch (e) {
      this.services.delete(onion);
      server.close();
      throw e;
    }
    const listener: Listener = {
      onion,
      onStream: (cb) => {
        streamCb = cb;
        for (const s of early.splice(0)) cb(s);
      },
      close: async () => {
        if (this.services.get(onion) !== svc) return;
        this.services.delete(onion);
        await this.unpublish(svc);
      },
    };
    return listener;
  }

  async dial(onion: OnionAddress, port: number = CWTCH_PORT): Promise<Stream> {
    this.assertOpen();
    if (!isOnionAddress(onion)) throw new TorError('socks.onion-bad-address', 'bad onion address');
    const window = this.opts.dialRetryWindowMs ?? TOR_DIAL_RETRY_WINDOW_MS;
    const deadline = Date.now() + window;
    let delay = TOR_DIAL_RETRY_MIN_MS;
    for (;;) {
      const socks = this.socks;
      if (!socks) throw new TorError('tor.not-running', 'tor is not running');
      try {
        return socketStream(await socksConnect(socks, onion, port));
      } catch (e) {
        // Right after publication (or a peer's restart) the descriptor is not there yet: docs/tor.md measured 1–2 misses.
        const retry = e instanceof TorError && e.code === 'socks.onion-not-found' && !this.closing && Date.now() + delay < deadline;
        if (!retry) throw e;
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, TOR_DIAL_RETRY_MAX_MS);
    }
  }

  /** Stop and start tor again (own mode) or reconnect the control port (attach mode); services are re-published. */
  async restart(): Promise<void> {
    this.assertOpen();
    this.restarting = true;
    try {
      await this.teardown(true);
      await this.connect();
    } finally {
      this.restarting = false;
    }
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.status.clearStall();
    for (const svc of [...this.services.values()]) await this.unpublish(svc);
    this.services.clear();
    await this.teardown(true);
    this.status.closed();
  }

  // ---- internals ----

  private assertOpen(): void {
    if (this.closing) throw new TorError('tor.closed', 'the tor connection is closed');
  }

  /** Start/attach, authenticate, subscribe, publish our services. */
  private async connect(): Promise<void> {
    const gen = ++this.gen;
    this.status.emit({ state: 'starting', progress: 0, summary: 'starting tor' });
    let control: ControlPort;
    if (this.proc) {
      const started = await this.proc.start();
      control = started.control;
    } else {
      const o = this.opts as AttachOptions;
      const m = /^([^:]+):([0-9]{1,5})$/.exec(o.control);
      if (!m) throw new TorError('tor.bad-options', 'the control address must be host:port');
      control = await ControlPort.connect(m[1]!, Number(m[2]));
      await control.authenticate(o.auth);
    }
    if (gen !== this.gen || this.closing) {
      control.close();
      throw new TorError('tor.closed', 'tor was closed while starting');
    }
    control.onEvent((r) => {
      if (gen !== this.gen) return;
      const b = bootstrapFromEvent(r);
      if (b) this.status.onBootstrap(b);
    });
    control.onClose(() => {
      if (gen === this.gen) this.lost('the control connection closed');
    });
    this.control = control;
    await control.setEvents(['STATUS_CLIENT', 'HS_DESC']);
    this.socks = await control.socksAddress();
    this.status.onBootstrap(await control.bootstrapPhase());
    for (const svc of this.services.values()) {
      svc.published = false;
      await this.publish(svc);
    }
    this.restartDelay = this.opts.restartMinMs ?? TOR_RESTART_MIN_MS;
  }

  private async publish(svc: Service): Promise<void> {
    const control = this.control;
    if (!control) throw new TorError('tor.not-running', 'tor is not running');
    await control.addOnion(svc.seed, svc.port, CWTCH_PORT);
    svc.published = true;
  }

  private async unpublish(svc: Service): Promise<void> {
    if (svc.published && this.control && !this.control.closed) await this.control.delOnion(svc.onion).catch(() => undefined);
    svc.published = false;
    for (const s of svc.sockets) s.destroy();
    await new Promise<void>((r) => svc.server.close(() => r()));
  }

  /** Drop the current tor: shut it down (own) or disconnect (attach). */
  private async teardown(graceful: boolean): Promise<void> {
    this.gen++;
    const control = this.control;
    this.control = null;
    this.socks = null;
    this.status.clearStall();
    if (this.proc) {
      if (graceful) await this.proc.stop(control ?? undefined);
      else {
        this.proc.killNow();
        await this.proc.stop(undefined, 0);
      }
    }
    control?.close();
  }

  /** tor died or the control connection dropped: report it and restart with back-off. */
  private lost(why: string): void {
    if (this.closing || this.restarting || this.restartTimer) return;
    this.crashes++;
    this.status.emit({ state: 'starting', progress: 0, summary: `tor stopped unexpectedly (${why}); restarting` });
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = this.restartDelay;
    this.restartDelay = Math.min(delay * 2, this.opts.restartMaxMs ?? TOR_RESTART_MAX_MS);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.closing) return;
      this.restarting = true;
      this.teardown(false)
        .then(() => this.connect())
        .then(
          () => {
            this.restarting = false;
          },
          (e: unknown) => {
            this.restarting = false;
            if (this.closing) return;
            const msg = e instanceof TorError ? e.message : 'tor could not be restarted';
            this.status.emit({ state: 'failed', progress: 0, summary: `${msg}; retrying in ${Math.round(this.restartDelay / 1000)} s` });
            this.scheduleRestart();
          },
        );
    }, delay);
    this.restartTimer.unref();
  }
}
