// Our own output path for Ink. Ink renders in debug mode (the whole frame as one string per render, no erase
// codes) into an InkScreen we own; the FrameWriter diffs each frame against the last one it drew and writes
// only the changed rows to the real terminal, with absolute cursor positioning. Frames are coalesced: the first
// after a quiet spell goes out at once (a typed key), later ones at most every `minIntervalMs` (a burst of
// network events), only the newest.

import { EventEmitter } from 'node:events';
import { TUI_MIN_FRAME_INTERVAL_MS } from '../../core/limits.js';
import { SYNC_END, SYNC_START } from '../terminal.js';
import { diffRows, frameRows, type ScreenSize } from './frame-diff.js';

/** Where frames go: the real terminal (process.stdout) or a test double. */
export interface TerminalOut extends FrameSink {
  readonly columns?: number;
  readonly rows?: number;
  readonly isTTY?: boolean;
  on(event: 'resize', listener: () => void): unknown;
  off(event: 'resize', listener: () => void): unknown;
}

/** What the FrameWriter writes to. A Node stream's backpressure, when there, holds frames back. */
export interface FrameSink {
  write(data: string): unknown;
  /** True while the stream's buffer is over its high-water mark (Node's Writable). */
  readonly writableNeedDrain?: boolean;
  once?(event: 'drain', listener: () => void): unknown;
}

/** Timers, injectable so tests can step time instead of waiting for it. */
export interface FrameTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemFrameTimers: FrameTimers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface FrameWriterOptions {
  /** Bracket each frame in synchronised-update marks (mode 2026). */
  readonly synchronize: boolean;
  /** Least time between two writes when frames queue up; 0 writes every frame at once. */
  readonly minIntervalMs: number;
  readonly timers?: FrameTimers;
}

/** A pipe or a fake without a size is taken as 80x24, the VT100 default. */
export function screenSizeOf(out: { readonly columns?: number; readonly rows?: number }): ScreenSize {
  return { columns: out.columns !== undefined && out.columns > 0 ? out.columns : 80, rows: out.rows !== undefined && out.rows > 0 ? out.rows : 24 };
}

export class FrameWriter {
  private readonly timers: FrameTimers;
  /** Rows on screen now; undefined when unknown (start, resize), which makes the next write a full redraw. */
  private onScreen: string[] | undefined;
  private lastFrame: string | undefined;
  private pending: string | undefined;
  private timer: unknown;
  private lastWrite = Number.NEGATIVE_INFINITY;
  private closed = false;
  private awaitingDrain = false;

  constructor(
    private readonly out: FrameSink,
    private readonly size: () => ScreenSize,
    private readonly opts: FrameWriterOptions,
  ) {
    this.timers = opts.timers ?? systemFrameTimers;
  }

  /** A whole frame from Ink. Written now if the last write was long enough ago, else queued (replacing any queued frame). */
  submit(frame: string): void {
    if (this.closed) return;
    this.pending = frame;
    if (this.timer !== undefined) return;
    const wait = this.lastWrite + this.opts.minIntervalMs - this.timers.now();
    if (wait <= 0) this.flush();
    else this.schedule(wait);
  }

  /**
   * Forget what is on screen (after a resize, or anything else that may have touched it): the next write
   * clears the screen and draws every row. The last frame is redrawn soon even if Ink sends no new one;
   * deferred so a frame Ink draws for the new size in the same tick replaces it.
   */
  invalidate(): void {
    if (this.closed) return;
    this.onScreen = undefined;
    this.pending ??= this.lastFrame;
    if (this.timer === undefined) this.schedule(Math.max(0, this.lastWrite + this.opts.minIntervalMs - this.timers.now()));
  }

  /** Write the queued frame now, if there is one. */
  flush(): void {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
    const frame = this.pending;
    if (frame === undefined || this.closed || this.awaitingDrain) return;
    // A slow link (ssh over a metered line) cannot take frames as fast as they come: while the terminal's
    // stream is backed up, keep only the newest frame and write it, diffed, once the stream drains.
    if (this.out.writableNeedDrain === true && this.out.once !== undefined) {
      this.awaitingDrain = true;
      this.out.once('drain', () => {
        this.awaitingDrain = false;
        this.flush();
      });
      return;
    }
    this.pending = undefined;
    const size = this.size();
    const rows = frameRows(frame, size.rows);
    const bytes = diffRows(this.onScreen, rows, size);
    this.onScreen = rows;
    this.lastFrame = frame;
    if (bytes === '') return;
    this.lastWrite = this.timers.now();
    this.out.write(this.opts.synchronize ? SYNC_START + bytes + SYNC_END : bytes);
  }

  /** Write what is queued and stop: later frames (Ink's last render while unmounting) are dropped. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private schedule(ms: number): void {
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, ms);
  }
}

/**
 * The stdout Ink is given: it has the real terminal's size and forwards its resizes, and every write (a whole
 * debug-mode frame) goes to the FrameWriter instead of the terminal.
 */
export class InkScreen extends EventEmitter {
  columns: number;
  rows: number;
  private readonly onResize = (): void => {
    const s = screenSizeOf(this.terminal);
    this.columns = s.columns;
    this.rows = s.rows;
    this.writer.invalidate();
    this.emit('resize');
  };

  constructor(
    private readonly terminal: TerminalOut,
    private readonly writer: FrameWriter,
  ) {
    super();
    const s = screenSizeOf(terminal);
    this.columns = s.columns;
    this.rows = s.rows;
    terminal.on('resize', this.onResize);
  }

  write = (frame: string): boolean => {
    this.writer.submit(frame);
    return true;
  };

  /** Stop following the terminal's resizes. */
  detach(): void {
    this.terminal.off('resize', this.onResize);
  }
}

export interface FrameOutput {
  /** Hand this to Ink as `stdout`, with `debug: true`. */
  readonly screen: InkScreen;
  readonly writer: FrameWriter;
  /** Write what is queued, stop writing and stop following resizes. */
  close(): void;
}

/** Wire a FrameWriter and an InkScreen to a terminal. */
export function createFrameOutput(terminal: TerminalOut, opts: Partial<FrameWriterOptions> = {}): FrameOutput {
  const writer = new FrameWriter(terminal, () => screenSizeOf(terminal), {
    // Ink brackets frames only on a TTY and never under CI; we ignore CI so the program behaves the same
    // whatever the environment says (terminals ignore private modes they do not know).
    synchronize: opts.synchronize ?? terminal.isTTY === true,
    minIntervalMs: opts.minIntervalMs ?? TUI_MIN_FRAME_INTERVAL_MS,
    ...(opts.timers !== undefined ? { timers: opts.timers } : {}),
  });
  const screen = new InkScreen(terminal, writer);
  return {
    screen,
    writer,
    close: () => {
      writer.close();
      screen.detach();
    },
  };
}
