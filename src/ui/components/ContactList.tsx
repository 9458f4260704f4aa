// Left column: conversations in display order (requests first), with slot numbers for Alt+1…0.

import { Box } from 'ink';
import { memo, type ReactNode } from 'react';
import { uiText } from '../text.js';
import { openGapCount, type ConversationVm, type UiState } from '../view-model/state.js';
import { SafeTextView } from './SafeTextView.js';

const ONLINE = new Set(['Connected', 'Authenticated', 'Synced']);

export interface ContactListProps {
  readonly state: UiState;
  readonly selected?: string;
  readonly height: number;
  readonly width: number;
}

function Row({ c, slot, selected, gaps, width }: { readonly c: ConversationVm; readonly slot: number; readonly selected: boolean; readonly gaps: number; readonly width: number }): ReactNode {
  const slotText = slot <= 10 ? String(slot % 10) : ' ';
  const dot = c.authorization === 'unknown' ? '?' : c.authorization === 'blocked' ? '⊘' : ONLINE.has(c.online) ? '●' : '○';
  const unread = c.unread > 0 ? ` (${c.unread > 99 ? '99+' : c.unread})` : '';
  const warn = c.lookalike || c.resembles !== undefined;
  const mark = c.verified === true ? ' ✓' : '';
  const head = `${slotText} ${dot} ${warn ? '⚠ ' : ''}`;
  const tail = `${mark} #${c.fingerprint.short}${unread}${gaps > 0 ? ` ⟂${gaps}` : ''}`;
  // Every character of head and tail is one cell wide; a list too narrow for them and a little name is one cut line.
  if (width < head.length + tail.length + 3) {
    return (
      <SafeTextView text={uiText(`${slotText} ${dot} `)} inverse={selected} wrap="truncate">
        {warn ? <SafeTextView text={uiText('⚠ ')} color="red" /> : <SafeTextView text={uiText('')} />}
        <SafeTextView text={c.name} bold={c.unread > 0 && c.muted !== true} dim={c.muted === true} />
        <SafeTextView text={uiText(mark)} color="green" bold />
        <SafeTextView text={uiText(` #${c.fingerprint.short}`)} color={c.fingerprint.colour} />
        <SafeTextView text={uiText(unread)} color="cyan" />
        <SafeTextView text={uiText(gaps > 0 ? ` ⟂${gaps}` : '')} color="yellow" />
      </SafeTextView>
    );
  }
  // Three Ink texts, not one: a long name is cut, never the fingerprint that tells it apart (names are
  // self-chosen), and the name — usually ASCII — is measured on string-width's fast path (Ink measures every
  // text of every frame; one non-ASCII character sends the whole text down the slow path).
  return (
    <Box>
      <Box flexShrink={0}>
        <SafeTextView text={uiText(`${slotText} ${dot} `)} inverse={selected}>
          {warn ? <SafeTextView text={uiText('⚠ ')} color="red" /> : <SafeTextView text={uiText('')} />}
        </SafeTextView>
      </Box>
      <SafeTextView text={c.name} bold={c.unread > 0 && c.muted !== true} dim={c.muted === true} inverse={selected} wrap="truncate" />
      <Box flexShrink={0}>
        <SafeTextView text={uiText(mark)} color="green" bold inverse={selected} />
        <SafeTextView text={uiText(` #${c.fingerprint.short}`)} color={c.fingerprint.colour} inverse={selected}>
          <SafeTextView text={uiText(unread)} color="cyan" />
          <SafeTextView text={uiText(gaps > 0 ? ` ⟂${gaps}` : '')} color="yellow" />
        </SafeTextView>
      </Box>
    </Box>
  );
}

/** Only as many rows as fit, scrolled so the selection is visible. */
function ContactListView({ state, selected, height, width }: ContactListProps): ReactNode {
  const at = selected === undefined ? 0 : Math.max(0, state.order.indexOf(selected));
  const start = Math.max(0, Math.min(at - Math.floor(height / 2), state.order.length - height));
  const ids = state.order.slice(start, start + height);
  // Rows are already truncated to the width: clipping only vertically spares Ink a slice-ansi and a
  // string-width pass over every row of every frame (keystroke median ~14 → ~10.5 ms, bench/suites/tui.ts).
  return (
    <Box flexDirection="column" width={width} height={height} overflowY="hidden">
      {ids.length === 0 ? <SafeTextView text={uiText('No contacts yet: /add')} dim /> : null}
      {ids.map((id, k) => {
        const c = state.conversations.get(id)!;
        return <Row key={id} c={c} slot={start + k + 1} selected={id === selected} gaps={c.kind === 'group' ? openGapCount(state, id) : 0} width={width} />;
      })}
    </Box>
  );
}

/** Memoised: typing in the composer re-renders MainView but not the list. */
export const ContactList = memo(ContactListView);
