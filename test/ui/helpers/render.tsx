// Render Ink into an in-memory terminal with BOTH columns and rows (ink-testing-library's fake has
// 100 columns and no rows, stack.md), and write keys inside React act() — no sleeps.

import { EventEmitter } from 'node:events';
import { render, type Instance } from 'ink';
import { act, type ReactElement } from 'react';
import { FakeStdin } from './fake-stdin.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export class FakeStdout extends EventEmitter {
  frames: string[] = [];
  isTTY = true;
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };
  lastFrame(): string {
    return this.frames[this.frames.length - 1] ?? '';
  }
}

export interface TestTerminal {
  readonly stdout: FakeStdout;
  lastFrame(): string;
  /** Write raw bytes (one stdin chunk) and let React settle. */
  press(data: string): Promise<void>;
  /** Run a change (e.g. an engine event) inside act(). */
  run(fn: () => void): Promise<void>;
  resize(columns: number, rows: number): Promise<void>;
  unmount(): void;
}

export async function renderTerminal(el: ReactElement, size: { columns?: number; rows?: number } = {}): Promise<TestTerminal> {
  const stdout = new FakeStdout(size.columns ?? 100, size.rows ?? 24);
  const stdin = new FakeStdin();
  let instance!: Instance;
  await act(async () => {
    instance = render(el, {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    });
  });
  return {
    stdout,
    lastFrame: () => stdout.lastFrame(),
    press: async (data) => {
      await act(async () => {
        stdin.write(data);
      });
    },
    run: async (fn) => {
      await act(async () => {
        fn();
      });
    },
    resize: async (columns, rows) => {
      await act(async () => {
        stdout.columns = columns;
        stdout.rows = rows;
        stdout.emit('resize');
      });
    },
    unmount: () => instance.unmount(),
  };
}

/** Key sequences as a terminal sends them. */
export const KEYS = {
  enter: '\r',
  altEnter: '\u001b\r',
  up: '\u001b[A',
  down: '\u001b[B',
  backspace: '\u007f',
  esc: '\u001b',
  tab: '\t',
  ctrlC: '\u0003',
  ctrlD: '\u0004',
  ctrlN: '\u000e',
  ctrlP: '\u0010',
  ctrlK: '\u000b',
  ctrlU: '\u0015',
  ctrlR: '\u0012',
  ctrlSlash: '\u001f',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  altHome: '\u001b[1;3H',
  altEnd: '\u001b[1;3F',
  alt: (c: string) => `\u001b${c}`,
  paste: (text: string) => `\u001b[200~${text}\u001b[201~`,
} as const;
