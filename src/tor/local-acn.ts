// A tor-less ACN for running several cwtch-tui / cwtch-server processes on one machine: each listener binds an
// ephemeral TCP port on 127.0.0.1 and registers `<onion>` → port as a file in a shared directory
// (`--local-net DIR` / CWTCH_LOCAL_NET); dialling an onion reads that file and connects. No anonymity at all:
// for development and tests only.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { decodeOnion, type OnionAddress } from '../core/crypto/onion.js';
import { TransportError } from '../core/errors.js';
import { alwaysReady, type Acn, type Listener, type Stream } from '../core/net/acn.js';
import { socketStream } from './socket-stream.js';

/** Environment variable naming the registry directory (the CLI flag is `--local-net DIR`). */
export const LOCAL_NET_ENV = 'CWTCH_LOCAL_NET';


function entryPath(dir: string, onion: OnionAddress): string {
  // decodeOnion guarantees [a-z2-7]{56}: safe as a file name.
  return join(dir, onion);
}

/** Read the port registered for `onion`, or null. The file holds `{"port":N}`. */
function readPort(dir: string, onion: OnionAddress): number | null {
  try {
    const v = JSON.parse(readFileSync(entryPath(dir, onion), 'utf8')) as { port?: unknown };
    return typeof v.port === 'number' && Number.isInteger(v.port) && v.port > 0 && v.port < 65536 ? v.port : null;
  } catch {
    return null;
  }
}

class LocalListener implements Listener {
  private cb: ((s: Stream) => void) | null = null;
  private readonly backlog: Stream[] = [];
  /** Accepted sockets: server.close() waits for every one of them, so close() must end them itself. */
  private readonly accepted = new Set<Socket>();
  private closed = false;

  constructor(
    readonly onion: OnionAddress,
    private readonly server: Server,
    private readonly file: string,
    private readonly port: number,
    private readonly forget: () => void,
  ) {
    server.on('connection', (sock) => {
      this.accepted.add(sock);
      sock.once('close', () => this.accepted.delete(sock));
      const s = socketStream(sock);
      if (this.cb === null) this.backlog.push(s);
      else this.cb(s);
    });
  }

  onStream(cb: (s: Stream) => void): void {
    this.cb = cb;
    for (const s of this.backlog.splice(0)) cb(s);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.forget();
    // Only remove the entry if it is still ours (a restarted process may have re-registered the onion).
    try {
      const v = JSON.parse(readFileSync(this.file, 'utf8')) as { port?: unknown };
      if (v.port === this.port) unlinkSync(this.file);
    } catch {
      // already gone
    }
    for (const s of this.backlog.splice(0)) s.close();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // A socket still half-open after its stream closed gracefully (or never handed out) would keep server.close()
    // waiting forever, and with it a quitting client: tear the rest down.
    for (const sock of this.accepted) sock.destroy();
    await done;
  }
}

/** An ACN over 127.0.0.1 whose listeners register in `dir`. Status is always ready. */
export function localAcn(dir: string): Acn {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const listeners = new Set<LocalListener>();
  const sockets = new Set<Socket>();
  let closed = false;

  return {
    async listen(_seed: Uint8Array, onion: OnionAddress): Promise<Listener> {
      if (closed) throw new TransportError('acn.closed', 'the network is closed');
      if (!decodeOnion(onion).ok) throw new TransportError('acn.bad-onion', 'not a valid onion address');
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const addr = server.address();
      if (addr === null || typeof addr === 'string') throw new TransportError('acn.listen', 'could not bind a local port');
      const file = entryPath(dir, onion);
      // Atomic publish: a dialler never reads a half-written entry.
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      writeFileSync(tmp, JSON.stringify({ port: addr.port }) + '\n', { mode: 0o600 });
      renameSync(tmp, file);
      const l: LocalListener = new LocalListener(onion, server, file, addr.port, () => listeners.delete(l));
      listeners.add(l);
      return l;
    },

    async dial(onion: OnionAddress): Promise<Stream> {
      if (closed) throw new TransportError('acn.closed', 'the network is closed');
      if (!decodeOnion(onion).ok) throw new TransportError('acn.bad-onion', 'not a valid onion address');
      const port = readPort(dir, onion);
      if (port === null) throw new TransportError('acn.unreachable', 'the peer is not online');
      const sock = createConnection({ host: '127.0.0.1', port });
      await new Promise<void>((resolve, reject) => {
        sock.once('connect', () => resolve());
        sock.once('error', () => reject(new TransportError('acn.unreachable', 'the peer is not online')));
      });
      sockets.add(sock);
      sock.once('close', () => sockets.delete(sock));
      return socketStream(sock);
    },

    ...alwaysReady('local network (no tor)'),
    async close(): Promise<void> {
      closed = true;
      for (const l of [...listeners]) await l.close();
      for (const s of [...sockets]) s.destroy();
    },
  };
}
