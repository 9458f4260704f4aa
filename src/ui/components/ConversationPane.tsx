// The open conversation, virtualised: only the rows that fit are built and rendered (pane-layout.ts).

import { Box } from 'ink';
import { memo, useMemo, type ReactNode } from 'react';
import { ownAddressText } from '../controller/main-keys.js';
import { uiText, untrustedLine } from '../text.js';
import { formatBytes, groupServersText, postQueueText } from '../view-model/format.js';
import { anchorForTop, layoutPane, type PaneRow } from '../view-model/pane-layout.js';
import { useNow } from '../hooks/use-now.js';
import { MessageStore } from '../view-model/message-store.js';
import { openGapCount, type ConversationVm, type Fingerprint, type UiState } from '../view-model/state.js';
import { SafeTextView } from './SafeTextView.js';
import { REQUEST_CARD_ROWS, RequestsView } from './RequestsView.js';

export interface ConversationPaneProps {
  readonly state: UiState;
  readonly conversation?: ConversationVm;
  /** Bottom message index; undefined follows the newest message. */
  readonly anchor?: number;
  readonly height: number;
  readonly width: number;
  readonly showFailReasons: boolean;
  readonly fingerprintOf: (id: string) => Fingerprint;
}

const EMPTY = new MessageStore();

/** Rows left for messages under the header (and the request card, for a pending contact). */
export function paneBodyHeight(c: ConversationVm | undefined, height: number): number {
  const request = c !== undefined && c.kind === 'contact' && c.authorization === 'unknown';
  return Math.max(0, height - 1 - (request ? REQUEST_CARD_ROWS : 0));
}

function PaneLine({ row }: { readonly row: PaneRow }): ReactNode {
  switch (row.kind) {
    case 'day':
      return <SafeTextView text={row.text} dim wrap="truncate" />;
    case 'gap':
      return row.closed === true ? <SafeTextView text={row.text} dim wrap="truncate" /> : <SafeTextView text={row.text} color="yellow" wrap="truncate" />;
    case 'quote':
      return <SafeTextView text={row.text} dim wrap="truncate" />;
    case 'reason':
      return <SafeTextView text={row.text} color="red" wrap="truncate" />;
    case 'msg':
      if (row.head === undefined) return <SafeTextView text={row.text} wrap="truncate" />;
      // The head and the text are separate Ink texts: Ink measures every text of every frame, and a text with
      // one non-ASCII character (the fingerprint's …, an ack mark) takes string-width's slow path over all of it.
      return (
        <Box>
          <SafeTextView text={uiText(`${row.head.time} `)} dim wrap="truncate">
            <SafeTextView text={row.head.name} bold />
            <SafeTextView text={uiText(row.head.fp.length > 0 ? ` ${row.head.fp}` : '')} color={row.head.colour} />
            <SafeTextView text={uiText(row.head.mark.length > 0 ? ` ${row.head.mark}` : '')} color={row.head.mark === '✗' ? 'red' : 'green'} />
            <SafeTextView text={uiText(' ')} />
          </SafeTextView>
          <SafeTextView text={row.text} wrap="truncate" />
        </Box>
      );
  }
}

function Header({ state, c }: { readonly state: UiState; readonly c: ConversationVm }): ReactNode {
  const gaps = c.kind === 'group' ? openGapCount(state, c.id) : 0;
  const status = c.kind === 'group' ? `server ${c.online}` : c.online;
  const queue = c.kind === 'group' && c.server !== undefined ? state.postQueues.get(c.server) : undefined;
  const queueText = postQueueText(queue, true, state.settings.clock === '12h');
  const serversText = c.kind === 'group' ? groupServersText(c) : null;
  // What this contact has cost on the wire since start (low-bandwidth users see who is expensive).
  const contactBytes = c.kind === 'contact' ? state.bytes.get(`contact:${c.id}`) : undefined;
  return (
    <SafeTextView text={c.name} bold wrap="truncate">
      <SafeTextView text={uiText(c.verified === true ? ' ✓ verified' : '')} color="green" />
      <SafeTextView text={uiText(` #${c.fingerprint.short}`)} color={c.fingerprint.colour} />
      <SafeTextView text={uiText(` · ${status}`)} dim />
      {contactBytes !== undefined ? <SafeTextView text={uiText(` · ↕ ${formatBytes(contactBytes.sent + contactBytes.received)}`)} dim /> : <SafeTextView text={uiText('')} />}
      {queueText !== null ? <SafeTextView text={uiText(` · ⧗ ${queueText}`)} color={queue?.waiting === null ? undefined : 'yellow'} dim={queue?.waiting === null} /> : <SafeTextView text={uiText('')} />}
      <SafeTextView text={uiText(c.kind === 'group' ? ' · group (experimental)' : '')} dim />
      {serversText !== null ? <SafeTextView text={uiText(` · ${serversText}`)} color={c.moveWaiting !== undefined ? 'yellow' : undefined} dim={c.moveWaiting === undefined} /> : <SafeTextView text={uiText('')} />}
      {c.forkedTo !== undefined ? <SafeTextView text={uiText(` · read-only: forked to ${state.conversations.get(c.forkedTo)?.name ?? 'a new group'}`)} color="magenta" /> : <SafeTextView text={uiText('')} />}
      {gaps > 0 ? <SafeTextView text={uiText(` · ⟂ ${gaps} gap${gaps === 1 ? '' : 's'} open`)} color="yellow" /> : <SafeTextView text={uiText('')} />}
      {c.resembles !== undefined ? (
        <SafeTextView text={uiText(' · ⚠ looks like your verified contact ')} color="red" bold>
          <SafeTextView text={c.resembles} />
          <SafeTextView text={uiText(', but is a different key')} />
        </SafeTextView>
      ) : c.lookalike ? (
        <SafeTextView text={uiText(' · ⚠ name looks like another contact')} color="red" />
      ) : (
        <SafeTextView text={uiText('')} />
      )}
    </SafeTextView>
  );
}

function ConversationPaneView(props: ConversationPaneProps): ReactNode {
  const { state, conversation: c, height, width } = props;
  const store = c === undefined ? EMPTY : (state.messages.get(c.id) ?? EMPTY);
  const gaps = c === undefined ? undefined : state.gaps.get(c.id);
  const request = c !== undefined && c.kind === 'contact' && c.authorization === 'unknown';
  const bodyHeight = paneBodyHeight(c, height);
  const version = store.version;
  // Scrolled back: the bottom row says how many newer messages are below, so nothing seems lost.
  const scrolled = props.anchor !== undefined && props.anchor < store.length - 1;
  const rowsHeight = scrolled ? Math.max(0, bodyHeight - 1) : bodyHeight;
  const relative = state.settings.timestamps === 'relative';
  const hour12 = state.settings.clock === '12h';
  // Relative times move on by themselves: redraw each tick (absolute ones never need it).
  const now = useNow(relative);
  const layout = useMemo(() => {
    const time = { relative, hour12, now };
    const input = { store, gaps: gaps ?? [], height: rowsHeight, width, fingerprintOf: props.fingerprintOf, showFailReasons: props.showFailReasons, time };
    // Paged back to the start, the pane is full from the first message down, not the first message over blank rows.
    const anchor = props.anchor === undefined ? undefined : Math.max(props.anchor, anchorForTop(input));
    return layoutPane({ ...input, anchor });
  },
    // `version` stands for the mutable store's contents.
    [store, version, gaps, props.anchor, rowsHeight, width, props.showFailReasons, props.fingerprintOf, relative, hour12, now],
  );
  if (c === undefined) {
    return (
      <Box flexDirection="column" height={height} width={width}>
        <SafeTextView text={uiText('No conversation open. Ctrl+K to switch, /add to add a contact, ? for help.')} dim />
        {state.profile !== undefined ? <SafeTextView text={untrustedLine(ownAddressText(state))} /> : null}
      </Box>
    );
  }
  // Rows are already truncated to the width: clipping only vertically spares Ink a slice-ansi and a
  // string-width pass over every row of every frame (keystroke median ~14 → ~10.5 ms, bench/suites/tui.ts).
  return (
    <Box flexDirection="column" height={height} width={width} overflowY="hidden">
      <Header state={state} c={c} />
      {request ? <RequestsView conversation={c} /> : null}
      <Box flexDirection="column" height={rowsHeight} justifyContent="flex-end">
        {/* Keyed by screen slot, not by message: a page scroll then updates the rows' text in place instead of
            unmounting every row and mounting new ones (React and Ink's layout nodes), the bulk of a PgUp. */}
        {layout.rows.map((r, slot) => (
          <PaneLine key={slot} row={r} />
        ))}
      </Box>
      {scrolled && layout.last < store.length - 1 ? <SafeTextView text={uiText(`↓ ${store.length - 1 - layout.last} newer below · Alt+End jumps there`)} color="cyan" wrap="truncate" /> : null}
    </Box>
  );
}

/**
 * Memoised on its props: a keystroke in the composer does not re-render the pane. The message store
 * is mutable, so a new message arrives as a new UiState object (the reducer always returns one).
 */
export const ConversationPane = memo(ConversationPaneView);
