// TUI responsiveness with a 100k-message conversation open among 50 contacts: time from unlock to the first full
// main-view frame, key-to-frame latency for every kind of key (typing, Enter, PgUp/PgDn back through history the
// UI has not read yet, Alt+N, Ctrl+K, the first key after unlock), the bytes each typed key writes to the terminal,
// and the RSS after paging back through all 100k. The engine answers the UI's `history` commands page by page as
// the real one does (bench/tui-engine.ts), so PgUp reads history in as a user's does. The App is mounted as runTui mounts it (mountTui: Ink's whole frames through
// our frame writer, only changed rows reach the terminal; or CWTCH_TUI_RENDER=ink for Ink's own full redraw)
// except that frame coalescing is off: keys here come back to back, faster than anyone types, and would otherwise
// wait out the 16 ms coalescing window instead of measuring the UI's work.

import { EventEmitter } from 'node:events';
import { onionFromPublicKey } from '../../src/core/crypto/onion.js';
import { FakeStdin } from '../../test/ui/helpers/fake-stdin.js';
import { percentile, type BenchResult, type BenchSuite } from '../harness.js';
import { PagingEngine } from '../tui-engine.js';

// React picks its development or production build when first loaded: measure what users run.
process.env['NODE_ENV'] ??= 'production';
const { createElement } = await import('react');
const { App } = await import('../../src/ui/App.js');
const { createUiStore } = await import('../../src/ui/view-model/ui-store.js');
const { mountTui, rendererFromEnv } = await import('../../src/ui/index.js');
const RENDERER = rendererFromEnv(process.env);
// TUI_BENCH_TRACE=1 prints every measured key's wall and CPU time in order (to line outliers up with --trace-gc).
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
      const timer = setTimeout(() => reject(new Error(`tui bench: a frame with "${marker}" never drawn; last: ${JSON.stringify(this.last.slice(-2000))}`)), 10_000);
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

const onion = (seed: number): string => onionFromPublicKey(new Uint8Array(32).fill(seed));

const MESSAGES = 100_000;
/** Messages each other contact has (more than a page, so their first open reads a page and leaves more). */
const OTHER_MESSAGES = 300;
const T0 = Date.UTC(2026, 0, 1);
const OPEN_TEXT = (i: number): string => `message number ${i} with a little text in it`;
const OTHER_TEXT = (k: number, i: number): string => `contact ${k} said ${i} hello`;

/** One kind of key: wall time to the frame that shows its effect, and CPU (user+system, ms) until the UI is quiet. */
interface Keys {
  readonly wall: number[];
  readonly cpu: number[];
}
const keys = (): Keys => ({ wall: [], cpu: [] });

interface Session {
  first: number;
  readonly typing: Keys;
  /** Bytes written to the terminal per typed key. */
  readonly typingBytes: number[];
  readonly send: Keys;
  /** Alt+2..Alt+9 round and round: the first round opens each conversation (its history read then). */
  readonly jump: Keys;
  readonly switcher: Keys;
  /** PgUp then PgDn, as many of each, from the newest message back into history not read yet. */
  readonly scrolling: Keys;
  /** PgUp from the newest message to the oldest of the 100k. */
  readonly all: Keys;
  pages: number;
  rssMiB: number;
  heapMiB: number;
}

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

/** Resolves once three turns of the event loop pass without a write: the key's work (effects, pages read in) is done. */
async function quiet(stdout: BenchStdout): Promise<void> {
  let still = 0;
  while (still < 3) {
    const before = stdout.writes;
    await new Promise<void>((r) => setImmediate(r));
    still = stdout.writes === before ? still + 1 : 0;
  }
}

interface Counts {
  readonly typing: number;
  readonly sends: number;
  readonly jumps: number;
  readonly switcher: number;
  readonly scrolling: number;
  /** Page through all 100k (and measure RSS) at the end. */
  readonly all: boolean;
}

/** Render the App, unlock into 50 contacts (a 100k-message conversation open), then press each kind of key. */
async function session(contacts: readonly string[], me: string, n: Counts | undefined): Promise<Session> {
  const open = contacts[0]!;
  let clock = T0 + MESSAGES * 1000;
  const engine = new PagingEngine(me, () => (clock += 1000));
  engine.addHistory(open, { count: MESSAGES, make: (i) => ({ messageId: '', from: i % 3 === 0 ? me : open, text: OPEN_TEXT(i), time: T0 + i * 1000, outgoing: i % 3 === 0, ack: 'acknowledged' }) });
  contacts.forEach((c, k) => {
    if (k > 0) engine.addHistory(c, { count: OTHER_MESSAGES, make: (i) => ({ messageId: '', from: c, text: OTHER_TEXT(k, i), time: T0 + k * 1000 + i, outgoing: false, ack: 'acknowledged' }) });
  });
  const store = createUiStore(engine);
  const stdout = new BenchStdout();
  const stdin = new FakeStdin();
  const tui = mountTui(createElement(App, { store, onQuit: () => {} }), {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    renderer: RENDERER,
    minFrameIntervalMs: 0,
  });
  const s: Session = { first: 0, typing: keys(), typingBytes: [], send: keys(), jump: keys(), switcher: keys(), scrolling: keys(), all: keys(), pages: 0, rssMiB: 0, heapMiB: 0 };
  /** Press `key`; its latency is to the first frame holding `marker` ('' = the next frame). */
  const press = async (key: string, marker: string, into: Keys | undefined, label: string): Promise<void> => {
    const frame = stdout.next(marker);
    const c = process.cpuUsage();
    const t = performance.now();
    stdin.write(key);
    await frame;
    const wall = performance.now() - t;
    await quiet(stdout);
    if (into === undefined) return;
    into.wall.push(wall);
    into.cpu.push(cpuMs(c));
    if (TRACE) process.stderr.write(`tui-trace ${label} ${into.wall.length - 1} wall ${wall.toFixed(2)} cpu ${into.cpu.at(-1)!.toFixed(2)}\n`);
  };
  const type = async (text: string, into: Keys | undefined, from = 0): Promise<void> => {
    for (let k = from; k < text.length; k++) await press(text[k]!, `> ${text.slice(0, k + 1)}`, into, 'type');
  };
  try {
    const firstFrame = stdout.next(`${OPEN_TEXT(MESSAGES - 1)}`);
    const start = performance.now();
    engine.emit({ event: 'profile', profileId: 'bench', onion: me, name: 'me', defaultPassword: false });
    contacts.forEach((c, i) => engine.emit({ event: 'contact', onion: c, position: i + 1, name: `contact ${i}`, authorization: 'approved', unread: 0, lastActivity: i === 0 ? clock : T0 + i, verified: false }));
    await firstFrame;
    s.first = performance.now() - start;
    await quiet(stdout);
    if (n === undefined) return s;

    // Typing; the first key is the first after unlock (the composer's code runs for the first time).
    const LINE = 40; // keep the draft shorter than the composer so the marker is always visible
    for (let i = 0; i < n.typing; i++) {
      if (i > 0 && i % LINE === 0) await press('\u0015', 'Type a message', undefined, 'clear'); // Ctrl+U between lines
      const line = Array.from({ length: (i % LINE) + 1 }, (_, k) => String.fromCharCode(97 + ((i - (i % LINE) + k) % 26))).join('');
      stdout.bytes = 0;
      await press(line.at(-1)!, `> ${line}`, s.typing, 'type');
      s.typingBytes.push(stdout.bytes);
    }
    if (n.typing % LINE !== 0) await press('\u0015', 'Type a message', undefined, 'clear');

    // Enter: the line is sent and drawn as the newest message (the engine echoes it as it does).
    for (let i = 0; i < n.sends; i++) {
      const text = `sent-line-${i}-ok`;
      await type(text, undefined);
      await press('\r', `me ○ ${text}`, s.send, 'send');
    }

    // Alt+N: conversations 2..9 round and round.
    for (let i = 0; i < n.jumps; i++) {
      const k = 1 + (i % 8);
      await press(`\u001b${k + 1}`, OTHER_TEXT(k, OTHER_MESSAGES - 1), s.jump, 'jump');
    }
    if (n.jumps > 0) await press('\u001b1', '', undefined, 'jump');

    // Ctrl+K opens the switcher (Escape closes it, not measured).
    for (let i = 0; i < n.switcher; i++) {
      await press('\u000b', 'Switch to: ', s.switcher, 'switcher');
      await press('\u001b', '', undefined, 'switcher');
    }

    // Scroll as a reader does: page after page up into history not read yet (each page is new text to wrap, lay
    // out and tokenise; near the oldest read the UI asks for the page before), then back down the same way.
    for (let i = 0; i < n.scrolling; i++) await press(i < n.scrolling / 2 ? '\u001b[5~' : '\u001b[6~', '', s.scrolling, 'scroll');

    if (n.all) {
      // PgUp back to the very first message of the 100k, every page drawn; then what the process holds.
      const oldest = OPEN_TEXT(0);
      let top = false;
      const onWrite = stdout.write;
      stdout.write = (frame: string): boolean => {
        if (frame.includes(oldest)) top = true;
        return onWrite(frame);
      };
      for (let i = 0; !top; i++) {
        if (TRACE && i % 500 === 0) process.stderr.write(`tui-trace rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB at PgUp ${i}\n`);
        if (i > 20 * MESSAGES) throw new Error('tui bench: PgUp never reached the oldest message');
        await press('\u001b[5~', '', s.all, 'all');
      }
      stdout.write = onWrite;
      const m = process.memoryUsage();
      s.rssMiB = m.rss / 2 ** 20;
      s.heapMiB = m.heapUsed / 2 ** 20;
      if (TRACE) process.stderr.write(`tui-trace memory ${JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v / 2 ** 20)])))}\n`);
      if (process.env['TUI_BENCH_HEAP'] !== undefined) (await import('node:v8')).writeHeapSnapshot(process.env['TUI_BENCH_HEAP']);
    }
    s.pages = engine.pages;
    return s;
  } finally {
    tui.close();
    store.dispose();
  }
}

const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);
const median = (xs: readonly number[]): number => percentile(sorted(xs), 50);
const p99 = (xs: readonly number[]): number => percentile(sorted(xs), 99);

const suite: BenchSuite = async ({ quick }) => {
  const runs = quick ? 3 : 5;
  // The p99 of 600 keys is the 6th-slowest, not decided by one unlucky GC. The first WARM keys of each kind run
  // code for the first time (JIT): they are reported on their own, not in that kind's p99.
  const WARM = 10;
  const counts: Counts = {
    typing: (quick ? 60 : 600) + WARM,
    sends: (quick ? 20 : 100) + WARM,
    jumps: (quick ? 40 : 400) + 8,
    switcher: (quick ? 30 : 200) + WARM,
    scrolling: (quick ? 60 : 600) + WARM,
    all: true,
  };
  const contacts = Array.from({ length: 50 }, (_, i) => onion(i + 1));
  const me = onion(200);
  const firsts: number[] = [];
  let last: Session | undefined;
  for (let r = 0; r < runs; r++) {
    // Keys are pressed in the last run only; the earlier runs are for a stable first-frame median.
    const s = await session(contacts, me, r === runs - 1 ? counts : undefined);
    firsts.push(s.first);
    last = s;
  }
  const s = last!;
  const first = median(firsts);
  const steady = (k: Keys, warm = WARM): Keys => ({ wall: k.wall.slice(warm), cpu: k.cpu.slice(warm) });
  const goal = (v: number): number => v / 16;
  const row = (name: string, k: Keys, what: string): BenchResult => {
    const v = p99(k.wall);
    return { name: `tui key p99 (${name})`, value: v, unit: 'ms', ratio: goal(v), note: `goal 16 ms; ${what}; ${k.wall.length} keys, median ${median(k.wall).toFixed(2)} ms, CPU median ${median(k.cpu).toFixed(2)} p99 ${p99(k.cpu).toFixed(2)} ms` };
  };
  const firstKey = s.typing.wall[0] ?? NaN;
  const firstOpens = s.jump.wall.slice(0, 8);
  const results: BenchResult[] = [
    { name: 'tui first frame (50 contacts, 100k messages)', value: first, unit: 'ms', ratio: first / 300, note: `goal 300 ms; median of ${runs}; the newest page read from the engine` },
    { name: 'tui key: first after unlock (typing, 100k open)', value: firstKey, unit: 'ms', ratio: goal(firstKey), note: `goal 16 ms; the composer's code runs for the first time; first Enter ${s.send.wall[0]?.toFixed(1)}, Alt+N ${s.jump.wall[0]?.toFixed(1)}, Ctrl+K ${s.switcher.wall[0]?.toFixed(1)}, PgUp ${s.scrolling.wall[0]?.toFixed(1)} ms` },
    row('typing, 100k open', steady(s.typing), `after ${WARM} warm-up keys`),
    row('Enter sends, 100k open', steady(s.send), `to the sent line drawn; after ${WARM} warm-up sends`),
    row('PgUp/PgDn through unread history', steady(s.scrolling), `up then down, pages of history read from the engine as PgUp nears the oldest read; after ${WARM} warm-up keys`),
    row('PgUp through all 100k', s.all, `newest to oldest, ${s.pages} history pages read in all`),
    row('Alt+N switching', steady(s.jump, 8), 'Alt+2..Alt+9 round and round, after the first round'),
    { name: 'tui key max (Alt+N first open of a conversation)', value: Math.max(...firstOpens), unit: 'ms', ratio: goal(Math.max(...firstOpens)), note: `goal 16 ms; to its messages drawn (a history page read); the first round of 8, median ${median(firstOpens).toFixed(2)} ms` },
    row('Ctrl+K switcher', steady(s.switcher), `opens it; after ${WARM} warm-up keys`),
    { name: 'tui RSS after PgUp through all 100k', value: s.rssMiB, unit: 'MiB', ratio: s.rssMiB / 150, note: `goal 150 MiB; the whole bench process, heap used ${s.heapMiB.toFixed(0)} MiB` },
    { name: 'tui bytes written per typed key (median)', value: median(s.typingBytes), unit: 'B', note: `120x40 terminal, ${RENDERER} renderer; p99 ${p99(s.typingBytes)} B` },
  ];
  return results;
};

export default suite;
