// Ctrl+K: type part of a name or address, Up/Down to pick, Enter to open.

import { Box } from 'ink';
import type { ReactNode } from 'react';
import { switcherMatches } from '../controller/main-keys.js';
import { uiText } from '../text.js';
import type { UiState } from '../view-model/state.js';
import { SafeTextView } from './SafeTextView.js';

export interface QuickSwitcherProps {
  readonly state: UiState;
  readonly query: string;
  readonly index: number;
  readonly height: number;
}

export function QuickSwitcher({ state, query, index, height }: QuickSwitcherProps): ReactNode {
  const matches = switcherMatches(state, query).slice(0, Math.max(1, height - 3));
  return (
    <Box flexDirection="column" borderStyle="single" paddingX={1}>
      <SafeTextView text={uiText(`Switch to: ${query}▏`)} bold />
      {matches.length === 0 ? <SafeTextView text={uiText('no match')} dim /> : null}
      {matches.map((id, i) => {
        const c = state.conversations.get(id)!;
        return (
          <SafeTextView key={id} text={c.name} inverse={i === index} wrap="truncate">
            <SafeTextView text={uiText(c.verified === true ? ' ✓' : '')} color="green" bold />
            <SafeTextView text={uiText(` #${c.fingerprint.short}`)} color={c.fingerprint.colour} />
            <SafeTextView text={uiText(c.resembles !== undefined ? ' ⚠ not your verified contact' : '')} color="red" />
          </SafeTextView>
        );
      })}
    </Box>
  );
}
