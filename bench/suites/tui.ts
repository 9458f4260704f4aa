// TUI responsiveness: time from unlock to the first full main-view frame (50 contacts, 100k messages in
// the open conversation), keystroke-to-frame latency with that conversation open, and the bytes each
// keystroke writes to the terminal. The App is mounted as runTui mounts it (mountTui: Ink's whole frames through
// our frame writer, only changed rows reach the terminal; or CWTCH_TUI_RENDER=ink for Ink's own full redraw)
// except that frame coalescing is off: keys here come back to back, faster than anyone types, and would otherwise
// wait out the 16 ms coalescing window instead of measuring the UI's work.

import { EventEmitter } from 'node:events';
import type { EngineApi } from '../../src/core/api/engine.js';
import type { EngineEvent, HistoryMessage } from '../../src/core/api/events.js';
import { onionFromPublicKey } from '../../src/core/crypto/onion.js';
import { FakeStdin } from '../../test/ui/helpers/fake-stdin.js';
import { percentile, type BenchResult, type BenchSuite } from '../harness.js';

// React picks its development or production build when first loaded: measure what users run.
process.env['NODE_ENV'] ??= 'production';
const { createElement } = await import('react');
const { App } = await import('../../src/ui/App.js');
const { createUiStore } = await import('../../src/ui/view-model/ui-store.js');
const { mountTui, rendererFromEnv } = await import('../../src/ui/index.js');
const RENDERER = rendererFromEnv(process.env);
// TUI_BENCH_TRACE=1 prints every typed key's and PgUp/PgDn's wall and CPU time in order (to line outliers up with --trace-gc).
const TRACE = process.env['TUI_BENCH_TRACE'] === '1';

/** A terminal in memory: 120x40, resolves waiters when a written frame contains their marker. */
class BenchStdout extends EventEmitter {
  readonly columns = 120;
  readonly rows = 40;
  readonly isTTY = true;
  private waiters: { marker: string; resolve: () => void }[] = [];
  last = '';
  /** Bytes written since the counter was last reset: what a terminal (or an ssh link) has to chew through. */
  bytes = 0;
  /** Writes so far (a frame can be several: synchronized-output brackets around it). */
  writes = 0;
  write = (frame: string): boolean => {
    this.last = frame;
    this.writes++;
    this.bytes += Buffer.byteLength(frame);
    this.waiters = this.waiters.filter((w) => {
      if (!frame.includes(w.marker)) return true;
      w.resolve();
      return false;
    });
    return true;
  };
  /** Resolves on the first frame containing `marker`; fails after 10 s rather than hanging the bench. */
  next(marker: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('tui bench: expected frame never drawn')), 10_000);
      this.waiters.push({
        marker,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

/** Feeds scripted events, as the real engine would after an unlock. */
class BenchEngine implements EngineApi {
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  subscribe(l: (e: EngineEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  command(): void {}
  emit(e: EngineEvent): void {
    for (const l of this.listeners) l(e);
  }
}

const onion = (seed: number): string => onionFromPublicKey(new Uint8Array(32).fill(seed));

const MESSAGES = 100_000;

interface Session {
  readonly first: number;
  readonly typing: number[];
  /** Bytes written to the terminal per typed key. */
  readonly typingBytes: number[];
  readonly scrolling: number[];
  /** CPU time (user+system, ms) per key: steadier than wall time on a shared machine (the work is synchronous). */
  readonly typingCpu: number[];
  readonly scrollingCpu: number[];
}

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

/** Render the App, unlock into 50 contacts and 100k messages, then type `keystrokes` keys and scroll. */
async function session(history: readonly HistoryMessage[], contacts: readonly string[], me: string, keystrokes: number): Promise<Session> {
  const open = contacts[0]!;
  const newest = history[history.length - 1]!.time;
  const engine = new BenchEngine();
  const store = createUiStore(engine);
  const stdout = new BenchStdout();
  const stdin = new FakeStdin();
  const tui = mountTui(createElement(App, { store, onQuit: () => {} }), {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    renderer: RENDERER,
    minFrameIntervalMs: 0,
  });
  try {
    const firstFrame = stdout.next(`message number ${MESSAGES - 1} `);
    const start = performance.now();
    engine.emit({ event: 'profile', profileId: 'bench', onion: me, name: 'me', defaultPassword: false });
    contacts.forEach((c, i) => engine.emit({ event: 'contact', onion: c, position: i + 1, name: `contact ${i}`, authorization: 'approved', unread: 0, lastActivity: i === 0 ? newest : i, verified: false }));
    engine.emit({ event: 'history', conversation: open, messages: history });
    await firstFrame;
    const first = performance.now() - start;

    const typing: number[] = [];
    const typingBytes: number[] = [];
    const typingCpu: number[] = [];
    const LINE = 40; // keep the draft shorter than the composer so the marker is always visible
    for (let i = 0; i < keystrokes; i++) {
      if (i > 0 && i % LINE === 0) {
        // Ctrl+U empties the draft between lines (not measured).
        const cleared = stdout.next('Type a message');
        stdin.write('\u0015');
        await cleared;
      }
      const ch = String.fromCharCode(97 + (i % 26));
      // The composer line, cursor cell after the text (the frame may hold only the lines that changed).
      const frame = stdout.next(`> ${Array.from({ length: (i % LINE) + 1 }, (_, k) => String.fromCharCode(97 + ((i - (i % LINE) + k) % 26))).join('')}`);
      stdout.bytes = 0;
      const c = process.cpuUsage();
      const s = performance.now();
      stdin.write(ch);
      await frame;
      typing.push(performance.now() - s);
      typingCpu.push(cpuMs(c));
      typingBytes.push(stdout.bytes);
      if (TRACE) process.stderr.write(`tui-trace type ${i} wall ${typing[i]!.toFixed(2)} cpu ${typingCpu[i]!.toFixed(2)}\n`);
    }
    const scrolling: number[] = [];
    const scrollingCpu: number[] = [];
    // Scroll as a reader does: page after page up into history never seen in this session (every page is new
    // text to wrap, lay out and tokenise), then back down the same way.
    for (let i = 0; i < keystrokes; i++) {
      const before = stdout.writes;
      const c = process.cpuUsage();
      const s = performance.now();
      stdin.write(i < keystrokes / 2 ? '\u001b[5~' : '\u001b[6~');
      // Wait for the next frame (Ink writes only when the output changed; every page here is a different one).
      await new Promise<void>((resolve) => {
        const check = (): void => (stdout.writes !== before ? resolve() : void setImmediate(check));
        check();
      });
      scrolling.push(performance.now() - s);
      scrollingCpu.push(cpuMs(c));
      if (TRACE) process.stderr.write(`tui-trace scroll ${i} wall ${scrolling[i]!.toFixed(2)} cpu ${scrollingCpu[i]!.toFixed(2)}\n`);
    }
    return { first, typing, typingBytes, scrolling, typingCpu, scrollingCpu };
  } finally {
    tui.close();
    store.dispose();
  }
}

const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 50);

const suite: BenchSuite = async ({ quick }) => {
  const runs = quick ? 3 : 5;
  // 600 keys of each kind: the p99 is then the 6th-slowest key, not decided by one unlucky GC. The first WARM keys
  // of each kind run code for the first time (JIT); they are reported on their own, not in the p99 of steady typing.
  const WARM = 10;
  const keystrokes = (quick ? 60 : 600) + WARM;
  const contacts = Array.from({ length: 50 }, (_, i) => onion(i + 1));
  const me = onion(200);
  const t0 = Date.UTC(2026, 0, 1);
  const history: HistoryMessage[] = Array.from({ length: MESSAGES }, (_, i) => ({
    messageId: `m${i}`,
    from: i % 3 === 0 ? me : contacts[0]!,
    text: `message number ${i} with a little text in it`,
    time: t0 + i * 1000,
    outgoing: i % 3 === 0,
    ack: 'acknowledged',
  }));
  const firsts: number[] = [];
  let typing: number[] = [];
  let typingBytes: number[] = [];
  let scrolling: number[] = [];
  let typingCpu: number[] = [];
  let scrollingCpu: number[] = [];
  let firstKey = 0;
  let firstPage = 0;
  for (let r = 0; r < runs; r++) {
    // Keys are measured in the last run only; the earlier runs are for a stable first-frame median.
    const s = await session(history, contacts, me, r === runs - 1 ? keystrokes : 0);
    firsts.push(s.first);
    const steady = (xs: number[]): number[] => xs.slice(WARM).sort((a, b) => a - b);
    firstKey = s.typing[0] ?? 0;
    firstPage = s.scrolling[0] ?? 0;
    typing = steady(s.typing);
    typingBytes = steady(s.typingBytes);
    scrolling = steady(s.scrolling);
    typingCpu = steady(s.typingCpu);
    scrollingCpu = steady(s.scrollingCpu);
  }
  const first = median(firsts);
  const results: BenchResult[] = [
    { name: 'tui first frame (50 contacts, 100k messages)', value: first, unit: 'ms', ratio: first / 300, note: `goal 300 ms; median of ${runs}; includes reducing the 100k-message history` },
    { name: 'tui keystroke p99 (typing, 100k open)', value: percentile(typing, 99), unit: 'ms', ratio: percentile(typing, 99) / 16, note: `goal 16 ms; ${typing.length} keys after ${WARM} warm-up keys, median ${percentile(typing, 50).toFixed(2)} ms` },
    { name: 'tui first key after unlock (typing, 100k open)', value: firstKey, unit: 'ms', note: `the composer's code runs for the first time; first PgUp ${firstPage.toFixed(1)} ms` },
    { name: 'tui bytes written per typed key (median)', value: percentile(typingBytes, 50), unit: 'B', note: `120x40 terminal, ${RENDERER} renderer; p99 ${percentile(typingBytes, 99)} B` },
    { name: 'tui keystroke p99 (PgUp/PgDn, 100k open)', value: percentile(scrolling, 99), unit: 'ms', ratio: percentile(scrolling, 99) / 16, note: `goal 16 ms; ${scrolling.length} keys after ${WARM} warm-up (up then down through unseen history), median ${percentile(scrolling, 50).toFixed(2)} ms` },
    { name: 'tui CPU per key, median (typing, 100k open)', value: percentile(typingCpu, 50), unit: 'ms', note: `p99 ${percentile(typingCpu, 99).toFixed(2)} ms; user+system CPU of the whole process` },
    { name: 'tui CPU per key, median (PgUp/PgDn, 100k open)', value: percentile(scrollingCpu, 50), unit: 'ms', note: `p99 ${percentile(scrollingCpu, 99).toFixed(2)} ms; user+system CPU of the whole process` },
  ];
  return results;
};

export default suite;
