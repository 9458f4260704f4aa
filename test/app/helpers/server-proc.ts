// Drives one built `cwtch-server` process on the local network; stopped by its own PID.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { BIN } from './headless-proc.js';

export const SERVER_BIN = join(BIN, '..', 'cwtch-server.js');

export class ServerProc {
  stderr = '';
  readonly exited: Promise<number | null>;
  private constructor(
    private readonly child: ChildProcess,
    readonly bundle: string,
  ) {
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    child.stderr?.on('data', (b: Buffer) => (this.stderr += b.toString()));
  }

  /** Start the server; resolves once it prints its bundle (first stdout line). */
  static start(net: string, dataDir: string, extra: string[] = []): Promise<ServerProc> {
    const child = spawn(process.execPath, [SERVER_BIN, '--data-dir', dataDir, '--network', 'local', '--local-net', net, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise((resolve, reject) => {
      const rl = createInterface({ input: child.stdout! });
      rl.once('line', (line) => resolve(new ServerProc(child, line.trim())));
      child.once('exit', (code) => reject(new Error(`cwtch-server exited ${String(code)}`)));
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  async stop(): Promise<void> {
    try {
      process.kill(this.pid, 'SIGTERM');
    } catch {
      return;
    }
    await this.exited;
  }
}
