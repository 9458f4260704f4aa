// The shortcut sheet (Ctrl+/ or ?) and /help topics. Built from the binding table so it cannot drift.

import { Box } from 'ink';
import type { ReactNode } from 'react';
import { SLASH_COMMANDS, SLASH_USAGE } from '../commands/slash.js';
import { DESCRIPTIONS, HELP_TEXT } from '../commands/help-text.js';
import { bindingLabels } from '../keys/bindings.js';
import type { KeyCommand } from '../keys/commands.js';
import { uiText } from '../text.js';
import { SafeTextView } from './SafeTextView.js';

export interface HelpSheetProps {
  readonly topic?: string;
}

export function HelpSheet({ topic }: HelpSheetProps): ReactNode {
  const labels = bindingLabels();
  const body = topic !== undefined && topic !== 'keys' && topic !== 'commands' ? HELP_TEXT[topic] : undefined;
  return (
    <Box flexDirection="column" borderStyle="single" paddingX={1}>
      <SafeTextView text={uiText(topic === undefined ? 'Help — Esc closes' : `Help: ${topic} — Esc closes`)} bold />
      {body !== undefined ? <SafeTextView text={uiText(body)} /> : null}
      {topic === undefined || topic === 'keys'
        ? Object.entries(DESCRIPTIONS).map(([cmd, what]) => {
            const keys = (labels.get(cmd as KeyCommand) ?? []).join(', ');
            return <SafeTextView key={cmd} text={uiText(`${cmd === 'nav.jump.1' ? 'Alt+1…9, Alt+0' : keys}`.padEnd(24) + what)} />;
          })
        : null}
      {topic === undefined || topic === 'commands' ? SLASH_COMMANDS.map((c) => <SafeTextView key={c} text={uiText(SLASH_USAGE[c])} dim />) : null}
    </Box>
  );
}
