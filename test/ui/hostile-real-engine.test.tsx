// Hostile text through the REAL path: a second real Engine (the attacker) opens one profile per hostile-corpus
// entry, NAMED with that entry, adds the victim and sends the entry as a message. The victim runs the real
// runTui (Ink's own renderer, not debug frames) on a fake terminal; every raw byte it writes is parsed and
// nothing may act on a terminal except the sequences the UI itself uses (helpers/terminal-bytes.ts).

import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';

// Ink decides at import whether it is in CI (then it draws nothing until exit); the app forces it off.
const originalCi = vi.hoisted(() => {
  const was = process.env['CI'];
  process.env['CI'] = 'false';
  return was;
});

import { act } from 'react';
import { displayName } from '../../src/core/text/names.js';
import { toSafeText } from '../../src/core/text/safe-text.js';
import { MAX_DISPLAY_NAME_LENGTH } from '../../src/core/limits.js';
import type { EngineEvent } from '../../src/core/api/events.js';
import { runTui } from '../../src/ui/index.js';
import { enterTerminal, leaveTerminal } from '../../src/ui/terminal.js';
import { loadHostileCorpus } from '../fixtures/hostile-text/load.js';
import { FakeStdin } from './helpers/fake-stdin.js';
import { FakeStdout, KEYS } from './helpers/render.js';
import { ActGate, realPeer, scratch, settle, type RealPeer } from './helpers/real-engine.js';
import { scanTerminalBytes } from './helpers/terminal-bytes.js';

const corpus = loadHostileCorpus();
// One chat message must fit one packet (the engine refuses longer ones): longer entries are cut, still hostile.
const SEND_MAX = 3000;
/** Names longer than this many UTF-16 units are not carried whole by the engine (4 × MAX_DISPLAY_NAME_LENGTH). */
const NAME_CARRIED = 4 * MAX_DISPLAY_NAME_LENGTH;

let dir: ReturnType<typeof scratch>;
const peers: RealPeer[] = [];
beforeAll(() => {
  dir = scratch('cwtch-ui-hostile-');
});
afterAll(async () => {
  for (const p of peers) await p.close();
  dir.dispose();
  if (originalCi === undefined) delete process.env['CI'];
  else process.env['CI'] = originalCi;
});

/** Run a command on the attacker's engine and wait for the event that answers it. */
function call(peer: RealPeer, c: Parameters<RealPeer['engine']['command']>[0] & { id?: string }, want: EngineEvent['event']): Promise<EngineEvent> {
  const id = `h${Math.random().toString(36).slice(2)}`;
  return new Promise((resolve, reject) => {
    const off = peer.engine.subscribe((e) => {
      if (!('id' in e) || e.id !== id) return;
      if (e.event === want) {
        off();
        resolve(e);
      } else if (e.event === 'error') {
        off();
        reject(new Error(`attacker: ${c.cmd} failed with ${e.code}`));
      }
    });
    peer.engine.command({ ...c, id } as never);
  });
}

describe('hostile peers against the real TUI', () => {
  it('every corpus entry as a profile name and a message: the raw terminal bytes hold only the UI’s own sequences', async () => {
    // Colours on, as in a real terminal (vitest's stdout is not a TTY, so chalk would otherwise drop them).
    const { default: chalk } = await import('chalk');
    const level = chalk.level;
    chalk.level = 3;
    onTestFinished(() => {
      chalk.level = level;
    });
    const victim = realPeer(dir.root, dir.net, 'victim');
    const attacker = realPeer(dir.root, dir.net, 'attacker');
    peers.push(victim, attacker);
    const gate = new ActGate(victim.engine);
    const stdout = new FakeStdout(120, 40);
    const stdin = new FakeStdin();
    let running!: Promise<void>;
    await act(async () => {
      // The app writes these around runTui (main.ts); include them so the scan sees a whole session.
      stdout.write(enterTerminal());
      running = runTui(gate, { stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream, env: {} });
    });
    victim.reportStatus();
    const written = (): string => stdout.frames.join('');
    const press = async (keys: string): Promise<void> => {
      await act(async () => stdin.write(keys));
    };
    // The victim makes a profile by keys (no password: Enter twice past the warning).
    await press(KEYS.tab);
    await press('victim');
    await press(KEYS.enter);
    await press(KEYS.enter);
    await press(KEYS.enter);
    await settle(() => expect(written()).toContain('Your address:'));
    const victimOnion = victim.engine.activeOnion!;
    // What the victim's engine reported (the UI got the same events through the gate).
    const requests = new Set<string>();
    const named = new Set<string>();
    const messagesFrom = new Set<string>();
    victim.engine.subscribe((e) => {
      if (e.event === 'contact' && e.authorization === 'unknown') requests.add(e.onion);
      if (e.event === 'contact' && e.name !== '' && e.name !== e.onion) named.add(e.onion);
      if (e.event === 'message' && !e.outgoing) messagesFrom.add(e.from);
    });

    const attackers: string[] = [];
    for (const entry of corpus) {
      const p = (await call(attacker, { cmd: 'create-profile', name: entry.text, password: '' }, 'profile')) as Extract<EngineEvent, { event: 'profile' }>;
      attackers.push(p.onion);
      await call(attacker, { cmd: 'add', text: victimOnion }, 'contact');
      await call(attacker, { cmd: 'send', to: victimOnion, text: entry.text.slice(0, SEND_MAX) }, 'message');
    }
    // Every attacker shows up at the victim as a request, named, and its message arrives.
    await settle(() => {
      for (const [i, o] of attackers.entries()) {
        expect(requests.has(o), 'request').toBe(true);
        // A name too long for one getVal answer (the 1 MB line, 10k newlines) never arrives: nothing to draw.
        if (corpus[i]!.text.length <= NAME_CARRIED) expect(named.has(o), 'name fetched').toBe(true);
        expect(messagesFrom.has(o), 'message').toBe(true);
      }
    }, 90_000);

    // Visit every conversation (request card, name, message), the switcher and help, with fail reasons on.
    await press(KEYS.alt('r'));
    for (let i = 0; i < attackers.length; i++) {
      const before = stdout.frames.length;
      await press(KEYS.ctrlN);
      await settle(() => expect(stdout.frames.length).toBeGreaterThan(before));
    }
    await press(KEYS.ctrlK);
    await press(KEYS.esc);
    await press('?');
    await press(KEYS.esc);
    await press(KEYS.ctrlD);
    await running;
    stdout.write(leaveTerminal());

    const scan = scanTerminalBytes(written());
    expect(scan.rejected).toEqual([]);
    // The sequences that did pass are the UI's own: colours, Ink's redraw, and terminal.ts.
    expect([...scan.allowed.keys()].some((k) => k.endsWith('m'))).toBe(true);
    expect(scan.allowed.get('CSI ?1049h')).toBe(1);
    expect(scan.allowed.get('CSI ?1049l')).toBe(1);
    // Payloads are gone too. One session mixes every entry, so a payload that another entry legitimately shows
    // once made safe (07's "2J" is plain text after its ESC is removed) cannot be told apart and is skipped.
    const honest = corpus.flatMap((e) => [toSafeText(e.text), displayName(e.text)]).join('\n');
    for (const entry of corpus) for (const hidden of entry.mustHide) if (!honest.includes(hidden)) expect(scan.text, entry.name).not.toContain(hidden);
  }, 180_000);
});
