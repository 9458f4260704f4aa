// /server with no argument: every server we know (issue 9 screen 6) — state, bytes each way, group messages
// fetched vs our own posts this session, the groups on it with their open gaps, and "s" to sync now.

import { Box } from 'ink';
import type { ReactNode } from 'react';
import { serverOrder } from '../controller/main-keys.js';
import { uiText } from '../text.js';
import { openGapCount, type UiState } from '../view-model/state.js';
import { SafeTextView } from './SafeTextView.js';
import { formatBytes } from './StatusLine.js';

const SERVER_OK = new Set(['Authenticated', 'Synced']);

export interface ServersViewProps {
  readonly state: UiState;
  readonly index: number;
}

/** The groups on `server`, with open gaps, as one line. */
function groupsLine(state: UiState, server: string): string {
  const groups = [...state.conversations.values()].filter((c) => c.kind === 'group' && c.server === server);
  if (groups.length === 0) return 'no groups';
  const gaps = groups.reduce((n, g) => n + openGapCount(state, g.id), 0);
  return `${groups.length} group${groups.length === 1 ? '' : 's'}${gaps > 0 ? ` · ⟂ ${gaps} gap${gaps === 1 ? '' : 's'} open` : ''}`;
}

export function ServersView({ state, index }: ServersViewProps): ReactNode {
  const servers = serverOrder(state);
  return (
    <Box flexDirection="column" borderStyle="single" paddingX={1}>
      <SafeTextView text={uiText('Servers — ↑↓ pick · s sync now · Esc closes')} bold />
      <SafeTextView
        text={uiText(state.lowBandwidth ? 'Low-bandwidth mode ON: servers sync only when you ask.' : 'Low-bandwidth mode off: servers sync in the background.')}
        color={state.lowBandwidth ? 'magenta' : undefined}
        dim={!state.lowBandwidth}
      />
      {servers.length === 0 ? <SafeTextView text={uiText('No servers yet: /server <bundle> imports one.')} dim /> : null}
      {servers.map((onion, i) => {
        const s = state.servers.get(onion)!;
        const bytes = state.bytes.get(`server:${onion}`) ?? { sent: 0, received: 0 };
        const count = state.serverMessages.get(onion) ?? { fetched: 0, ours: 0 };
        return (
          <Box key={onion} flexDirection="column">
            <SafeTextView text={uiText(`${i === index ? '›' : ' '} `)} wrap="truncate">
              <SafeTextView text={uiText(`#${s.fingerprint.short}`)} color={s.fingerprint.colour} inverse={i === index} />
              <SafeTextView text={uiText(` ${s.state}`)} color={SERVER_OK.has(s.state) ? 'green' : 'yellow'} />
              <SafeTextView text={uiText(` · ↑ ${formatBytes(bytes.sent)} ↓ ${formatBytes(bytes.received)} · ${count.fetched} fetched, ${count.ours} ours`)} />
            </SafeTextView>
            <SafeTextView text={uiText(`    ${groupsLine(state, onion)} · ${onion}`)} dim wrap="truncate" />
          </Box>
        );
      })}
    </Box>
  );
}
