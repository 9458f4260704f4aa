// Ink through the frame writer (mountTui, as runTui uses it) on an in-memory terminal: what a terminal shows
// after every change is exactly what the tree says, rows that go away are erased, a resize redraws, and hostile
// text reaches the terminal only as Ink's sanitised output.

import { Box } from 'ink';
import { act, useState, type ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { SafeTextView } from '../../../src/ui/components/SafeTextView.js';
import { mountTui, rendererFromEnv, type MountedTui } from '../../../src/ui/index.js';
import { untrustedLine } from '../../../src/ui/text.js';
import { loadHostileCorpus } from '../../fixtures/hostile-text/load.js';
import { FakeStdout } from '../helpers/render.js';
import { scanTerminalBytes } from '../helpers/terminal-bytes.js';
import { ScreenModel } from './screen-model.js';

let setItems: (xs: string[]) => void = () => {};

function List({ initial }: { readonly initial: string[] }): ReactNode {
  const [items, set] = useState(initial);
  setItems = set;
  return (
    <Box flexDirection="column">
      {items.map((t, i) => (
        <SafeTextView key={i} text={untrustedLine(t)} wrap="truncate" />
      ))}
    </Box>
  );
}

async function mount(el: ReactNode, stdout: FakeStdout): Promise<MountedTui> {
  let tui!: MountedTui;
  await act(async () => {
    tui = mountTui(el as React.ReactElement, { stdout: stdout as unknown as NodeJS.WriteStream, minFrameIntervalMs: 0 });
  });
  return tui;
}

function screenOf(stdout: FakeStdout): string[] {
  const m = new ScreenModel(stdout.columns, stdout.rows);
  m.feed(stdout.frames.join(''));
  return m.lines();
}

const blank = (n: number): string[] => Array.from({ length: n }, () => '');

describe('mountTui (frames renderer)', () => {
  it('the screen follows the tree: changed rows rewritten, removed rows erased, only changed rows sent', async () => {
    const stdout = new FakeStdout(30, 8);
    const tui = await mount(<List initial={['alpha', 'beta', 'gamma', 'delta']} />, stdout);
    try {
      expect(screenOf(stdout)).toEqual(['alpha', 'beta', 'gamma', 'delta', ...blank(4)]);
      const before = stdout.frames.length;
      await act(async () => setItems(['alpha', 'BETA', 'gamma', 'delta']));
      const sent = stdout.frames.slice(before).join('');
      expect(sent).toContain('BETA');
      expect(sent).not.toContain('alpha');
      expect(sent).not.toContain('gamma');
      expect(screenOf(stdout)).toEqual(['alpha', 'BETA', 'gamma', 'delta', ...blank(4)]);
      // Unlock form → main view style: a shorter, different screen leaves nothing of the old one.
      await act(async () => setItems(['x']));
      expect(screenOf(stdout)).toEqual(['x', ...blank(7)]);
    } finally {
      await act(async () => tui.close());
    }
  });

  it('a resize redraws everything at the new size', async () => {
    const stdout = new FakeStdout(30, 8);
    const tui = await mount(<List initial={['a long line that will be cut at ten']} />, stdout);
    try {
      const before = stdout.frames.length;
      await act(async () => {
        stdout.columns = 10;
        stdout.rows = 4;
        stdout.emit('resize');
      });
      await act(async () => new Promise((r) => setTimeout(r, 5)));
      const sent = stdout.frames.slice(before).join('');
      expect(sent).toContain('\u001b[2J');
      const m = new ScreenModel(10, 4);
      m.feed(sent);
      expect(m.lines()[0]).toBe('a long li…');
    } finally {
      await act(async () => tui.close());
    }
  });

  it('nothing is written after close (Ink’s last render while unmounting is dropped)', async () => {
    const stdout = new FakeStdout(30, 8);
    const tui = await mount(<List initial={['a']} />, stdout);
    const n = stdout.frames.length;
    await act(async () => {
      tui.close();
      tui.close();
    });
    await act(async () => new Promise((r) => setTimeout(r, 5)));
    expect(stdout.frames.length).toBe(n);
  });

  it('hostile text: every byte that reaches the terminal is on the allow-list, the honest text is shown', async () => {
    const stdout = new FakeStdout(120, 40);
    const corpus = loadHostileCorpus();
    const tui = await mount(<List initial={[]} />, stdout);
    try {
      // One entry per frame, as it comes off the wire, through untrustedLine (the reducer's path).
      for (const e of corpus) await act(async () => setItems([e.text]));
      await act(async () => setItems([]));
    } finally {
      await act(async () => tui.close());
    }
    const scan = scanTerminalBytes(stdout.frames.join(''));
    expect(scan.rejected).toEqual([]);
    for (const e of corpus) if (e.text.length < 200) for (const s of e.mustShow) expect(scan.text, e.name).toContain(s);
  });

  it('CWTCH_TUI_RENDER=ink selects Ink’s own full redraw; anything else the frame writer', () => {
    expect(rendererFromEnv({ CWTCH_TUI_RENDER: 'ink' })).toBe('ink');
    expect(rendererFromEnv({})).toBe('frames');
    expect(rendererFromEnv({ CWTCH_TUI_RENDER: 'nonsense' })).toBe('frames');
  });
});
