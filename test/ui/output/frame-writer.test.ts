// The frame writer: exactly the changed rows are written, shrinking frames erase what is below, a resize (or
// any doubt) redraws everything, frames are coalesced, and whatever sequence of frames and sizes comes, the
// terminal (ScreenModel) ends up showing exactly the last frame.

import stringWidth from 'string-width';
import fc from 'fast-check';
import { stripVTControlCharacters as stripAnsi } from 'node:util';
import { describe, expect, it } from 'vitest';
import { diffRows, frameRows } from '../../../src/ui/output/frame-diff.js';
import { FrameWriter, createFrameOutput, type FrameTimers, type TerminalOut } from '../../../src/ui/output/frame-writer.js';
import { ScreenModel } from './screen-model.js';

const ESC = '\u001b';
const size = { columns: 20, rows: 6 };

/** Time that moves only when the test says so. */
class StepTimers implements FrameTimers {
  t = 0;
  private queue: { at: number; fn: () => void; id: number }[] = [];
  private ids = 0;
  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.ids;
    this.queue.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (h: unknown): void => {
    this.queue = this.queue.filter((q) => q.id !== h);
  };
  advance(ms: number): void {
    this.t += ms;
    for (;;) {
      const due = this.queue.filter((q) => q.at <= this.t).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) return;
      this.queue = this.queue.filter((q) => q !== due);
      due.fn();
    }
  }
}

class FakeTerminal implements TerminalOut {
  writes: string[] = [];
  private listeners = new Set<() => void>();
  isTTY = false;
  constructor(
    public columns: number,
    public rows: number,
  ) {}
  write(d: string): boolean {
    this.writes.push(d);
    return true;
  }
  on(_e: 'resize', l: () => void): void {
    this.listeners.add(l);
  }
  off(_e: 'resize', l: () => void): void {
    this.listeners.delete(l);
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    for (const l of this.listeners) l();
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
}

describe('diffRows', () => {
  it('writes exactly the changed rows, each at an absolute position, erased first', () => {
    expect(diffRows(['a', 'b', 'c'], ['a', 'X', 'c'], size)).toBe(`${ESC}[2;1H${ESC}[KX`);
    expect(diffRows(['a', 'b', 'c'], ['a', 'b', 'c'], size)).toBe('');
  });

  it('erases rows the previous frame used below the end of a shorter one', () => {
    expect(diffRows(['a', 'b', 'c', 'd'], ['a', 'b'], size)).toBe(`${ESC}[3;1H${ESC}[K${ESC}[4;1H${ESC}[K`);
  });

  it('with nothing known on screen clears it and draws every non-empty row', () => {
    expect(diffRows(undefined, ['a', '', 'c'], size)).toBe(`${ESC}[2J${ESC}[1;1Ha${ESC}[3;1Hc`);
  });

  it('a row exactly as wide as the screen keeps its last cell (erase comes before the text, not after)', () => {
    const full = 'x'.repeat(size.columns);
    const screen = new ScreenModel(size.columns, size.rows);
    screen.feed(diffRows(undefined, ['a'], size) + diffRows(['a'], [full], size));
    expect(screen.lines()[0]).toBe(full);
  });

  it('a frame taller than the screen is clipped, never scrolled', () => {
    const rows = frameRows(['1', '2', '3', '4', '5', '6', '7', '8'].join('\n'), size.rows);
    expect(rows).toEqual(['1', '2', '3', '4', '5', '6']);
    const screen = new ScreenModel(size.columns, size.rows);
    screen.feed(diffRows(undefined, rows, size));
    expect(screen.lines()).toEqual(rows);
  });
});

describe('FrameWriter', () => {
  const setup = (minIntervalMs = 16, synchronize = false) => {
    const timers = new StepTimers();
    const term = new FakeTerminal(size.columns, size.rows);
    const out = createFrameOutput(term, { minIntervalMs, synchronize, timers });
    return { timers, term, out };
  };

  it('writes the first frame at once, in full, then only what changed', () => {
    const { term, out, timers } = setup();
    out.screen.write('one\ntwo');
    expect(term.writes).toEqual([`${ESC}[2J${ESC}[1;1Hone${ESC}[2;1Htwo`]);
    timers.advance(100);
    out.screen.write('one\nTWO');
    expect(term.writes[1]).toBe(`${ESC}[2;1H${ESC}[KTWO`);
    timers.advance(100);
    out.screen.write('one\nTWO');
    expect(term.writes).toHaveLength(2);
  });

  it('coalesces a burst: frames within the interval are queued and only the newest is written', () => {
    const { term, out, timers } = setup();
    out.screen.write('a');
    out.screen.write('b');
    out.screen.write('c');
    expect(term.writes).toHaveLength(1);
    timers.advance(15);
    expect(term.writes).toHaveLength(1);
    timers.advance(1);
    expect(term.writes).toEqual([`${ESC}[2J${ESC}[1;1Ha`, `${ESC}[1;1H${ESC}[Kc`]);
    // After a quiet spell the next frame (a typed key) goes out at once again.
    timers.advance(100);
    out.screen.write('d');
    expect(term.writes).toHaveLength(3);
  });

  it('a resize forgets the screen: the next frame clears it and draws everything, at the new size', () => {
    const { term, out, timers } = setup();
    out.screen.write('one\ntwo');
    timers.advance(100);
    let resized = 0;
    out.screen.on('resize', () => resized++);
    term.resize(10, 3);
    expect([out.screen.columns, out.screen.rows, resized]).toEqual([10, 3, 1]);
    // Ink answers the resize with a new frame in the same tick: that frame, not the old one, is drawn.
    out.screen.write('uno\ndos');
    timers.advance(0);
    expect(term.writes.slice(1)).toEqual([`${ESC}[2J${ESC}[1;1Huno${ESC}[2;1Hdos`]);
  });

  it('a resize with no new frame from Ink redraws the last one', () => {
    const { term, out, timers } = setup();
    out.screen.write('one');
    timers.advance(100);
    term.resize(30, 6);
    timers.advance(0);
    expect(term.writes.slice(1)).toEqual([`${ESC}[2J${ESC}[1;1Hone`]);
  });

  it('brackets frames in synchronised-update marks when asked, and writes nothing for an unchanged frame', () => {
    const { term, out, timers } = setup(0, true);
    out.screen.write('a');
    timers.advance(1);
    out.screen.write('a');
    expect(term.writes).toEqual([`${ESC}[?2026h${ESC}[2J${ESC}[1;1Ha${ESC}[?2026l`]);
  });

  it('synchronises by default only on a TTY, whatever CI says', () => {
    for (const ci of ['true', 'false']) {
      const env = process.env['CI'];
      process.env['CI'] = ci;
      try {
        const tty = new FakeTerminal(20, 5);
        tty.isTTY = true;
        createFrameOutput(tty).screen.write('a');
        const pipe = new FakeTerminal(20, 5);
        createFrameOutput(pipe).screen.write('a');
        expect(tty.writes[0]!.startsWith(`${ESC}[?2026h`)).toBe(true);
        expect(pipe.writes[0]!.startsWith(`${ESC}[2J`)).toBe(true);
      } finally {
        if (env === undefined) delete process.env['CI'];
        else process.env['CI'] = env;
      }
    }
  });

  it('close writes what is queued, then drops later frames and stops following resizes', () => {
    const { term, out } = setup();
    out.screen.write('a');
    out.screen.write('b');
    out.close();
    expect(term.writes).toHaveLength(2);
    out.screen.write('\n');
    term.resize(5, 5);
    expect(term.writes).toHaveLength(2);
    expect(term.listenerCount).toBe(0);
  });

  it('while the stream is backed up (a slow link) frames wait, and only the newest is written once it drains', () => {
    const timers = new StepTimers();
    const writes: string[] = [];
    let drain: () => void = () => {};
    const sink = { writableNeedDrain: false, write: (d: string) => writes.push(d), once: (_e: 'drain', l: () => void) => void (drain = l) };
    const w = new FrameWriter(sink, () => size, { minIntervalMs: 0, synchronize: false, timers });
    w.submit('a');
    sink.writableNeedDrain = true;
    w.submit('b');
    w.submit('c');
    timers.advance(100);
    expect(writes).toEqual([`${ESC}[2J${ESC}[1;1Ha`]);
    sink.writableNeedDrain = false;
    drain();
    expect(writes).toEqual([`${ESC}[2J${ESC}[1;1Ha`, `${ESC}[1;1H${ESC}[Kc`]);
  });

  it('FrameWriter alone: flush() writes the queued frame now', () => {
    const timers = new StepTimers();
    const writes: string[] = [];
    const w = new FrameWriter({ write: (d: string) => writes.push(d) }, () => size, { minIntervalMs: 16, synchronize: false, timers });
    w.submit('a');
    w.submit('b');
    w.flush();
    expect(writes).toHaveLength(2);
  });

  // The property that matters on a real terminal: after any sequence of frames, resizes and timer ticks, the
  // screen shows the newest frame and nothing else (no stale rows, no stale tails, nothing wrapped or scrolled).
  it('property: the terminal always ends up showing exactly the last frame', () => {
    const cell = fc.constantFrom('a', 'b', ' ', '─', '✓', '界', `${ESC}[31m`, `${ESC}[39m`, `${ESC}[1m`, `${ESC}[22m`);
    const row = (columns: number) =>
      fc.array(cell, { maxLength: columns + 4 }).map((cs) => {
        // Ink never writes a row wider than the screen: keep whole cells while they fit.
        let out = '';
        for (const c of cs) if (stringWidth(stripAnsi(out + c)) <= columns) out += c;
        return out;
      });
    const step = fc.oneof(
      fc.record({ kind: fc.constant('frame' as const), rows: fc.array(row(12), { maxLength: 9 }) }),
      fc.record({ kind: fc.constant('resize' as const), columns: fc.integer({ min: 12, max: 16 }), rows: fc.integer({ min: 2, max: 8 }) }),
      fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 40 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), fc.boolean(), (steps, sync) => {
        const timers = new StepTimers();
        const term = new FakeTerminal(14, 6);
        const out = createFrameOutput(term, { minIntervalMs: 16, synchronize: sync, timers });
        let model = new ScreenModel(term.columns, term.rows);
        let fed = 0;
        let last = '';
        const feed = (): void => {
          for (; fed < term.writes.length; fed++) model.feed(term.writes[fed]!);
        };
        for (const s of steps) {
          if (s.kind === 'frame') {
            last = s.rows.join('\n');
            out.screen.write(last);
          } else if (s.kind === 'resize') {
            feed();
            // A real terminal keeps (some of) the old content on resize: keep it, so only the writer's clear removes it.
            const old = model.lines();
            model = new ScreenModel(s.columns, s.rows);
            model.feed(old.slice(0, s.rows).map((l, i) => `${ESC}[${i + 1};1H${[...l].slice(0, s.columns - 1).join('')}`).join(''));
            term.resize(s.columns, s.rows);
          } else timers.advance(s.ms);
          feed();
        }
        timers.advance(1000);
        feed();
        const want = frameRows(stripAnsi(last), term.rows);
        const got = model.lines();
        expect(got.slice(0, want.length)).toEqual(want.map((l) => l.trimEnd()));
        expect(got.slice(want.length).every((l) => l === '')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
