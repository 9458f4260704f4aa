// The help sheet's lines for a topic (pure: the key handler counts them to bound scrolling; HelpSheet draws them).

import { bindingLabels, bindingsFor } from '../keys/bindings.js';
import type { KeyCommand } from '../keys/commands.js';
import { DESCRIPTIONS, HELP_TEXT } from './help-text.js';
import { SLASH_COMMANDS, SLASH_USAGE } from './slash.js';

export interface HelpLine {
  readonly text: string;
  readonly dim: boolean;
}

/**
 * Every line of the sheet for `topic`, topic text wrapped at `width` cells (ASCII help text: a cell a character),
 * with the keys of the `keys` setting's style.
 */
export function helpLines(topic: string | undefined, width = 200, keys = 'default'): HelpLine[] {
  const labels = bindingLabels(bindingsFor(keys));
  const body = topic !== undefined && topic !== 'keys' && topic !== 'commands' ? HELP_TEXT[topic] : undefined;
  const out: HelpLine[] = [];
  if (body !== undefined) for (const l of wrapWords(body, Math.max(20, width))) out.push({ text: l, dim: false });
  if (topic === undefined || topic === 'keys') {
    for (const [cmd, what] of Object.entries(DESCRIPTIONS)) {
      const keys = (labels.get(cmd as KeyCommand) ?? []).join(', ');
      out.push({ text: `${cmd === 'nav.jump.1' ? 'Alt+1…9, Alt+0' : keys}`.padEnd(24) + what, dim: false });
    }
  }
  if (topic === undefined || topic === 'commands') for (const c of SLASH_COMMANDS) out.push({ text: SLASH_USAGE[c], dim: true });
  return out;
}

function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line.length === 0 ? word : `${line} ${word}`;
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

