// A terminal's stdin in memory, as much of one as Ink reads: raw mode, and each write() one chunk Ink reads on
// 'readable'. Shared by the UI tests (render.tsx) and the tui bench (bench/suites/tui.ts), which is built into
// dist/bench with it, so it imports nothing but node:events (no React act environment, no Ink).

import { EventEmitter } from 'node:events';

export class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private data: string | null = null;
  /** One stdin chunk: Ink reads it on 'readable' (and it is a 'data' event for any listener in flowing mode). */
  write(data: string): void {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read = (): string | null => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}
