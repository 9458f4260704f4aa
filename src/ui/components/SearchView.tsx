// /search and Ctrl+R: the hits of the last search, newest first — when, who, where, the text — ↑↓ to pick, Enter
// opens the conversation there, Esc closes.

import { Box } from 'ink';
import type { ReactNode } from 'react';
import { uiText } from '../text.js';
import { clockTime } from '../view-model/pane-layout.js';
import type { UiState } from '../view-model/state.js';
import { SafeTextView } from './SafeTextView.js';

export interface SearchViewProps {
  readonly state: UiState;
  readonly index: number;
  readonly height: number;
}

export function SearchView({ state, index, height }: SearchViewProps): ReactNode {
  const s = state.search;
  const rows = Math.max(1, height - 4);
  const start = Math.max(0, Math.min(index - Math.floor(rows / 2), (s?.hits.length ?? 0) - rows));
  return (
    <Box flexDirection="column" borderStyle="single" paddingX={1}>
      {s === undefined ? (
        <SafeTextView text={uiText('Searching…')} dim />
      ) : (
        <SafeTextView text={uiText(`${s.hits.length}${s.more ? '+' : ''} found for “`)} bold wrap="truncate">
          <SafeTextView text={s.query} />
          <SafeTextView text={uiText('” — ↑↓ pick · Enter opens · Esc closes')} />
        </SafeTextView>
      )}
      {s !== undefined && s.hits.length === 0 ? <SafeTextView text={uiText('Nothing holds those words.')} dim /> : null}
      {(s?.hits ?? []).slice(start, start + rows).map((h, i) => (
        <SafeTextView key={`${h.conversation}:${h.messageId}`} text={uiText(`${start + i === index ? '›' : ' '} ${clockTime(h.time, false)} `)} inverse={start + i === index} wrap="truncate">
          <SafeTextView text={h.who} bold />
          <SafeTextView text={uiText(' in ')} dim />
          <SafeTextView text={h.where} />
          <SafeTextView text={uiText(': ')} dim />
          <SafeTextView text={h.text} />
        </SafeTextView>
      ))}
    </Box>
  );
}
