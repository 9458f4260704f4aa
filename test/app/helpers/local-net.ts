// One temp dir holding a local network (127.0.0.1, a registry dir), the cwtch-server and headless client
// processes started on it, and their homes. Use:
//   let net: LocalNet;
//   beforeAll(() => (net = startLocalNet('peers')));
//   afterAll(() => net.close());
//   const server = await net.server(); const alice = net.client('a'); … (net.client('a') again = a restart)
// close() stops every process it started by its own PID (also after a failed test), then removes the temp dir.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadlessProc, type Ev } from './headless-proc.js';
import { ServerProc } from './server-proc.js';

/** How long a server gets to exit on SIGTERM before close() kills it. */
const SERVER_STOP_GRACE_MS = 10_000;

export class LocalNet {
  /** The temp dir everything lives in. */
  readonly root: string;
  /** The local network's registry dir (what `--local-net` names). */
  readonly dir: string;
  private readonly clients: HeadlessProc[] = [];
  private readonly servers: ServerProc[] = [];

  constructor(name: string) {
    this.root = mkdtempSync(join(tmpdir(), `cwtch-${name}-`));
    this.dir = join(this.root, 'net');
  }

  /** A headless client whose home is `<root>/<home>`; the same home again restarts that profile. */
  client(home: string, extra: string[] = []): HeadlessProc {
    const p = HeadlessProc.local(this.dir, join(this.root, home), extra);
    this.clients.push(p);
    return p;
  }

  /** A cwtch-server with its data in `<root>/<dataDir>`; resolves once it has printed its bundle. */
  server(dataDir = 'server', extra: string[] = []): Promise<ServerProc> {
    const s = ServerProc.spawn(this.dir, join(this.root, dataDir), extra);
    this.servers.push(s);
    return s.ready;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((p) => p.kill9()));
    await Promise.all(
      this.servers.map(async (s) => {
        const grace = new Promise<void>((r) => setTimeout(r, SERVER_STOP_GRACE_MS).unref());
        await Promise.race([s.stop(), grace]);
        await s.kill9();
      }),
    );
    rmSync(this.root, { recursive: true, force: true });
  }
}

export function startLocalNet(name: string): LocalNet {
  return new LocalNet(name);
}

// Event predicates the app tests share.
/** A direct message from `from` with exactly `text`. */
export const messageFrom = (from: string, text: string) => (e: Ev) => e.event === 'message' && e.from === from && e.text === text;
/** A group message in `group` with exactly `text`. */
export const groupMessage = (group: string, text: string) => (e: Ev) => e.event === 'message' && e.conversation === group && e.text === text;
/** The acknowledgement of one of our messages. */
export const ackOf = (messageId: unknown) => (e: Ev) => e.event === 'ack' && e.messageId === messageId;
/** A server connection reaching `state`. */
export const serverState = (server: string, state: string) => (e: Ev) => e.event === 'server-state' && e.server === server && e.state === state;
