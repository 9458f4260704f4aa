// Drives one built `cwtch-server` process on the local network; stopped by its own PID.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { BIN } from './headless-proc.js';

export const SERVER_BIN = join(BIN, '..', 'cwtch-server.js');

export class ServerProc {
  stderr = '';
  readonly exited: Promise<number | null>;
  /** Resolves with this server once it has printed its bundle (first stdout line); rejects if it exits first. */
  readonly ready: Promise<ServerProc>;
  private bundleLine: string | null = null;

  private constructor(
    private readonly child: ChildProcess,
    readonly dataDir: string,
  ) {
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    child.stderr?.on('data', (b: Buffer) => (this.stderr += b.toString()));
    this.ready = new Promise((resolve, reject) => {
      const rl = createInterface({ input: child.stdout! });
      rl.once('line', (line) => {
        this.bundleLine = line.trim();
        resolve(this);
      });
      child.once('exit', (code) => reject(new Error(`cwtch-server exited ${String(code)}`)));
    });
    // A caller that only holds the process (to stop it) must not see an unhandled rejection.
    this.ready.catch(() => {});
  }

  /** Spawn the server and return at once, so a caller can track (and stop) it before it is ready. */
  static spawn(net: string, dataDir: string, extra: string[] = []): ServerProc {
    const child = spawn(process.execPath, [SERVER_BIN, '--data-dir', dataDir, '--network', 'local', '--local-net', net, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    return new ServerProc(child, dataDir);
  }

  /** Start the server; resolves once it prints its bundle (first stdout line). */
  static start(net: string, dataDir: string, extra: string[] = []): Promise<ServerProc> {
    return ServerProc.spawn(net, dataDir, extra).ready;
  }

  /** The server bundle it printed; only after `ready`. */
  get bundle(): string {
    if (this.bundleLine === null) throw new Error('cwtch-server is not ready yet');
    return this.bundleLine;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Still running (its PID is still ours to signal). */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<void> {
    try {
      process.kill(this.pid, 'SIGTERM');
    } catch {
      return;
    }
    await this.exited;
  }

  kill9(): Promise<number | null> {
    if (this.running) process.kill(this.pid, 'SIGKILL');
    return this.exited;
  }
}
