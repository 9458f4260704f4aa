// Smoke test of the real binary in real terminals: two `cwtch-tui --network local` processes in tmux, driven
// only by keys. Profiles, address exchange read off the screen, add/accept, a message across, a resize to
// 60x20 and back, and Ctrl+D leaving the process gone and the terminal back on its normal screen. After each
// change of screen (unlock form → main view, a contact added, typing, a resize) the pane must equal what the
// app draws from scratch (a forced full redraw): a row left over from an earlier frame fails the test. B runs
// with NO_COLOR=1 and its pane must hold no colour codes.
// Needs `npm run build` first (`npm test` and `npm run test:tmux` do it). Skipped when tmux is missing.
// The tmux server is private (-L, a unique socket) and is stopped by that socket only, never by name.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const BIN = resolve('dist/bin/cwtch-tui.js');
const SOCKET = `cwtch-smoke-${process.pid}-${Date.now().toString(36)}`;
// A loaded 2-core machine starts node in ~1 s and derives keys slowly: be generous, poll often.
const DEADLINE_MS = 40_000;
const POLL_MS = 100;

let root: string;
const pids: number[] = [];
let socketPath: string | undefined;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

function screen(target: string): string {
  return tmux('capture-pane', '-p', '-t', target);
}

/** The pane with its SGR attributes (`-e`), as the terminal holds them. */
function screenWithStyles(target: string): string {
  return tmux('capture-pane', '-p', '-e', '-t', target);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The pane once it stops changing (two captures 300 ms apart agree). */
async function stableScreen(target: string): Promise<string> {
  let last = screen(target);
  for (const end = Date.now() + DEADLINE_MS; Date.now() < end; ) {
    await sleep(300);
    const now = screen(target);
    if (now === last) return now;
    last = now;
  }
  throw new Error(`tmux ${target}: the screen never settled`);
}

/** The screen without what legitimately changes between two captures: the status line's traffic counter. */
const steady = (s: string): string => s.replace(/↕ [0-9.]+ ?[kMG]?B/g, '↕ N B');

/**
 * No stale lines: the pane as the incremental frames left it must equal the same state drawn from scratch. A
 * resize makes the app forget the screen, clear it and draw every row; resizing away and back gives a full
 * redraw at the original size, which must match what was there. `settled` says when the app has drawn the
 * intermediate size (so the pane compared afterwards is the app's redraw, not tmux's own crop of the old one).
 */
async function assertMatchesFullRedraw(target: string, what: string, settled: (s: string, rows: number) => boolean): Promise<void> {
  const before = steady(await stableScreen(target));
  const cols = Number(format(target, '#{window_width}'));
  const rows = Number(format(target, '#{window_height}'));
  tmux('resize-window', '-t', target, '-x', String(cols - 10), '-y', String(rows - 4));
  await waitScreen(target, `${what}: the redraw at ${cols - 10}x${rows - 4}`, (s) => s !== before && settled(s, rows - 4));
  tmux('resize-window', '-t', target, '-x', String(cols), '-y', String(rows));
  let after = '';
  try {
    await waitScreen(target, `${what}: the full redraw`, (s) => {
      after = steady(s);
      return after === before;
    }, 15_000);
  } catch {
    expect(before, `${what}: the pane after incremental frames differs from the same state redrawn in full`).toBe(after);
  }
}

/** Colour SGR parameters (30–49, 90–107, 38;…/48;…): what NO_COLOR must keep off the screen. */
function colourCodes(styled: string): string[] {
  // eslint-disable-next-line no-control-regex -- reading SGR sequences is the point
  const sgrs = [...styled.matchAll(/\u001b\[([0-9;:]*)m/g)].map((m) => m[1]!);
  return sgrs.filter((p) => p.split(/[;:]/).some((n) => /^(3[0-9]|4[0-9]|9[0-7]|10[0-7])$/.test(n)));
}

function format(target: string, f: string): string {
  return tmux('display-message', '-p', '-t', target, f).trim();
}

/** Poll the pane until `pred` holds; on timeout fail with what the screen showed. */
async function waitScreen(target: string, what: string, pred: (s: string) => boolean, ms = DEADLINE_MS): Promise<string> {
  const end = Date.now() + ms;
  let last = '';
  while (Date.now() < end) {
    last = screen(target);
    if (pred(last)) return last;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`tmux ${target}: timed out waiting for ${what}; screen was:\n${last}`);
}

const contains = (t: string) => (s: string) => s.includes(t);

/**
 * Type literal text, wait until the screen shows `echo`, then Enter on its own (one chunk ending in CR is a
 * paste), then wait for `next` if given: keys typed right after an Enter can share its chunk otherwise.
 */
async function typeThenEnter(target: string, text: string, echo: string, next?: string): Promise<void> {
  tmux('send-keys', '-t', target, '-l', text);
  await waitScreen(target, `echo of ${JSON.stringify(echo)}`, contains(echo));
  tmux('send-keys', '-t', target, 'Enter');
  if (next !== undefined) await waitScreen(target, JSON.stringify(next), contains(next));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // An exited process that tmux has not reaped yet is a zombie: it has exited.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** `env` arguments for the pane's process; CI=false unless said otherwise. */
function start(name: string, env = 'CI=false', homeName = name): number {
  const home = join(root, homeName);
  // `exec` so the pane's process is node itself (its PID is the one we check and, at worst, kill).
  const cmd = `exec env ${env} TERM=xterm-256color node ${JSON.stringify(BIN)} --network local --local-net ${JSON.stringify(join(root, 'net'))} --home ${JSON.stringify(home)}`;
  tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', cmd);
  // Keep a finished pane so its exit status and screen can be read.
  tmux('set-option', '-t', name, 'remain-on-exit', 'on');
  socketPath ??= format(name, '#{socket_path}');
  const pid = Number(format(name, '#{pane_pid}'));
  pids.push(pid);
  return pid;
}

async function createProfile(target: string, name: string, password: string): Promise<string> {
  // A first run opens on the create form (nothing to unlock).
  await waitScreen(target, 'the create form of a first run', (x) => x.includes('There is no profile here yet') && x.includes('Name: ▏'));
  // The name and its Enter at once, as a script or a bunched-up SSH link sends them: the Enter must not be lost.
  tmux('send-keys', '-t', target, '-l', name);
  tmux('send-keys', '-t', target, 'Enter');
  await waitScreen(target, 'the password field after the name', (x) => x.includes(`Name: ${name}`) && x.includes('Password: ▏'));
  await typeThenEnter(target, password, `Password: ${'•'.repeat(password.length)}`, 'Password again: ▏');
  await typeThenEnter(target, password, `Password again: ${'•'.repeat(password.length)}`);
  const s = await waitScreen(target, 'the main view with the address', (x) => /Your address: [a-z2-7]{56}/.test(x));
  return /Your address: ([a-z2-7]{56})/.exec(s)![1]!;
}

/** The layout is whole: one status line at the bottom, one composer line above it, nothing drawn twice. */
function assertLayout(s: string, rows: number): void {
  const lines = s.replace(/\n$/, '').split('\n');
  expect(lines.length).toBe(rows);
  const status = lines.filter((l) => l.includes('Tor ready'));
  expect(status).toHaveLength(1);
  // The main view fills the terminal: the status line is the bottom row, the composer just above it.
  expect(lines[rows - 1]).toContain('Tor ready');
  expect(lines.filter((l) => l.startsWith('> '))).toHaveLength(1);
  expect(lines[rows - 2]!.startsWith('> ')).toBe(true);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cwtch-tmux-'));
});

afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  // tmux leaves its socket file behind; it is ours alone (unique name).
  if (socketPath !== undefined) rmSync(socketPath, { force: true });
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!hasTmux)('cwtch-tui in tmux', () => {
  it('two clients: profiles, add/accept, a message across, resize, Ctrl+D restores the terminal', async () => {
    expect(existsSync(BIN), 'run `npm run build` first').toBe(true);
    // Colour is decided when chalk loads: with CI in the environment at all (even CI=false) it picks no colour, so A
    // runs without CI to show colours reach the pane. B runs with CI=true (the app behaves the same whatever CI is)
    // and NO_COLOR=1.
    const pidA = start('a', '-u CI -u CONTINUOUS_INTEGRATION');
    const pidB = start('b', 'CI=true NO_COLOR=1');
    const onionA = await createProfile('a', 'alice', 'apw');
    await createProfile('b', 'bob', 'bpw');
    expect(format('a', '#{alternate_on}')).toBe('1');
    const mainView = (s: string, rows: number): boolean => {
      try {
        assertLayout(s, rows);
        return true;
      } catch {
        return false;
      }
    };
    // Unlock form → main view: nothing of the form is left.
    await assertMatchesFullRedraw('a', 'A after unlock', mainView);

    // B adds A by pasting the address A shows into the paste box.
    await typeThenEnter('b', '/add', '> /add');
    await waitScreen('b', 'the paste box', contains('Paste an address'));
    await typeThenEnter('b', onionA, onionA.slice(0, 40));
    // A gets the request (with B's name) and accepts it with one key.
    await waitScreen('a', 'the request', (s) => s.includes('Contact request from') && s.includes('bob'));
    tmux('send-keys', '-t', 'a', 'a');
    await waitScreen('a', 'the accepted contact', (s) => !s.includes('Contact request from') && s.includes('Type a message'));
    await assertMatchesFullRedraw('a', 'A after accepting a contact', mainView);

    // B writes; A reads it; B sees it acknowledged.
    await typeThenEnter('b', 'hello over tmux', '> hello over tmux');
    await waitScreen('a', 'the message at A', (s) => /bob .*hello over tmux/.test(s));
    await waitScreen('b', 'the ack at B', (s) => /✓✓ hello over tmux/.test(s));
    await assertMatchesFullRedraw('b', 'B after typing and sending', mainView);
    await assertMatchesFullRedraw('a', 'A after receiving', mainView);
    // NO_COLOR: B's pane holds no colour at all (attributes like bold or inverse may stay); A's has colours.
    expect(colourCodes(screenWithStyles('b'))).toEqual([]);
    expect(colourCodes(screenWithStyles('a')).length).toBeGreaterThan(0);

    // Resize to 60x20 and back: the layout follows and nothing is left over from the old size.
    tmux('resize-window', '-t', 'a', '-x', '60', '-y', '20');
    let small = '';
    await waitScreen('a', 'the 60x20 layout', (s) => {
      small = s;
      try {
        assertLayout(s, 20);
        return s.includes('hello over tmux');
      } catch {
        return false;
      }
    });
    expect(small.split('\n').every((l) => l.length <= 60)).toBe(true);
    await assertMatchesFullRedraw('a', 'A at 60x20', mainView);
    tmux('resize-window', '-t', 'a', '-x', '120', '-y', '40');
    await waitScreen('a', 'the 120x40 layout', (s) => {
      try {
        assertLayout(s, 40);
        return s.includes('hello over tmux');
      } catch {
        return false;
      }
    });
    // Type and erase in the composer: the typed frames are row diffs; the pane must still be exact.
    tmux('send-keys', '-t', 'a', '-l', 'draft text');
    await waitScreen('a', 'the draft', contains('> draft text'));
    tmux('send-keys', '-t', 'a', 'C-u');
    await waitScreen('a', 'the empty composer', contains('Type a message'));
    await assertMatchesFullRedraw('a', 'A after typing and clearing', mainView);

    // Ctrl+D on the empty composer: the process exits 0 and the terminal is back on the normal screen.
    tmux('send-keys', '-t', 'a', 'C-d');
    const end = Date.now() + DEADLINE_MS;
    while (alive(pidA) && Date.now() < end) await new Promise((r) => setTimeout(r, POLL_MS));
    const psOf = (pid: number): string => spawnSync('ps', ['-o', 'stat=,wchan=,cmd=', '-p', String(pid)], { encoding: 'utf8' }).stdout;
    expect(alive(pidA), `A still running after Ctrl+D (${alive(pidA) ? psOf(pidA) : ''}); its screen:\n${alive(pidA) ? screen('a') : ''}`).toBe(false);
    // tmux learns the exit status only when it reaps the process; on a loaded machine tmux 3.3 was seen leaving it a
    // zombie (exited, not reaped) for the whole deadline, so the status is checked whenever tmux reports one.
    const reapBy = Date.now() + 5_000;
    while (format('a', '#{pane_dead_status}') === '' && Date.now() < reapBy) await new Promise((r) => setTimeout(r, POLL_MS));
    const status = format('a', '#{pane_dead_status}');
    if (status !== '') expect(status).toBe('0');
    expect(format('a', '#{pane_dead_signal}')).toBe('');
    expect(format('a', '#{alternate_on}')).toBe('0');
    expect(alive(pidB)).toBe(true);
  }, 180_000);

  it('a setting kept in the home, and stored messages shown, after the real program restarts', async () => {
    // B from the test above is still running, with "hello over tmux" in its profile.
    const pidB = pids[pids.length - 1]!;
    expect(alive(pidB)).toBe(true);
    await typeThenEnter('b', '/set clock 12h', '> /set clock 12h', 'clock is 12h');
    await waitScreen('b', 'a 12-hour time', (s) => /\d{1,2}:\d\d[ap]m (bob|you)/.test(s) || /\d{1,2}:\d\d[ap]m .*hello over tmux/.test(s));
    tmux('send-keys', '-t', 'b', 'C-d');
    const end = Date.now() + DEADLINE_MS;
    while (alive(pidB) && Date.now() < end) await new Promise((r) => setTimeout(r, POLL_MS));
    expect(alive(pidB)).toBe(false);
    expect(JSON.parse(readFileSync(join(root, 'b', 'ui-settings.json'), 'utf8'))).toMatchObject({ clock: '12h' });

    start('b2', 'CI=true NO_COLOR=1', 'b');
    await waitScreen('b2', 'the unlock form', (x) => x.includes('Unlock your Cwtch profile') && x.includes('Password: ▏'));
    await typeThenEnter('b2', 'bpw', 'Password: •••');
    // Read from the profile when the conversation opens, drawn with the kept 12-hour clock.
    await waitScreen('b2', 'the stored message after the restart', (s) => /\d{1,2}:\d\d[ap]m .*hello over tmux/.test(s));
    tmux('send-keys', '-t', 'b2', 'C-d');
  }, 120_000);
});
