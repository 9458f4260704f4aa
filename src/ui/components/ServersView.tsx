// /server with no argument: every server we know — state, bytes each way, group messages
// fetched vs our own posts this session, the groups on it with their open gaps, and "s" to sync now.

import { Box } from 'ink';
import type { ReactNode } from 'react';
import { uiText, untrustedLine } from '../text.js';
import { budgetLine, budgetPercent, ONLINE_STATES, postQueueText, serverCostText, serverGroupsText, serverOrder, serverTroubleText } from '../view-model/format.js';
import type { UiState } from '../view-model/state.js';
import { SafeTextView } from './SafeTextView.js';

export interface ServersViewProps {
  readonly state: UiState;
  readonly index: number;
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
      <SafeTextView text={uiText(budgetLine(state))} color={budgetPercent(state) >= 100 ? 'red' : undefined} dim={state.dataDay === undefined || state.dataDay.budget === 0} />
      {servers.length === 0 ? <SafeTextView text={uiText('No servers yet: /server <bundle> imports one.')} dim /> : null}
      {servers.map((onion, i) => {
        const s = state.servers.get(onion)!;
        const queue = state.postQueues.get(onion);
        const queueText = postQueueText(queue, false, state.settings.clock === '12h');
        return (
          <Box key={onion} flexDirection="column">
            <SafeTextView text={uiText(`${i === index ? '›' : ' '} `)} wrap="truncate">
              <SafeTextView text={uiText(`#${s.fingerprint.short}`)} color={s.fingerprint.colour} inverse={i === index} />
              <SafeTextView text={uiText(` ${s.state}`)} color={ONLINE_STATES.has(s.state) ? 'green' : 'yellow'} />
              <SafeTextView text={uiText(` · ${serverCostText(state, onion)}`)} />
            </SafeTextView>
            <SafeTextView text={uiText(`    ${serverGroupsText(state, onion)} · ${onion}`)} dim wrap="truncate" />
            {serverTroubleText(s, state.settings.clock === '12h') !== null ? <SafeTextView text={untrustedLine(`    ✗ ${serverTroubleText(s, state.settings.clock === '12h')!}`)} color="red" wrap="truncate" /> : null}
            {queueText !== null ? <SafeTextView text={uiText(`    ⧗ ${queueText}`)} color={queue?.waiting === null ? undefined : 'yellow'} wrap="truncate" /> : null}
          </Box>
        );
      })}
    </Box>
  );
}
