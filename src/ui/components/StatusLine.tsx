// One line at the bottom: tor bootstrap, servers, low-bandwidth flag, bytes today, the last error.

import { Box } from 'ink';
import type { ReactNode } from 'react';
import { uiText, untrustedLine } from '../text.js';
import { budgetPercent, budgetText, formatBytes, hotlistText, ONLINE_STATES, torStateText } from '../view-model/format.js';
import { bytesToday, type UiState } from '../view-model/state.js';
import { SafeTextView } from './SafeTextView.js';

/** The servers view's key, next to the servers it opens on (bindings.ts: view.servers). */
export const SERVERS_HINT = '(Alt+S)';

export interface StatusLineProps {
  readonly state: UiState;
}

export function StatusLine({ state }: StatusLineProps): ReactNode {
  const tor = state.tor;
  const torPart = uiText(torStateText(tor));
  const hot = hotlistText(state);
  const budget = budgetText(state);
  const full = budgetPercent(state);
  return (
    <Box flexDirection="row" gap={1}>
      <SafeTextView text={torPart} color={tor.state === 'ready' ? 'green' : tor.state === 'failed' ? 'red' : 'yellow'}>
        <SafeTextView text={tor.state === 'ready' ? uiText('') : tor.summary} dim />
      </SafeTextView>
      {[...state.servers.values()].map((s) => (
        <SafeTextView key={s.onion} text={uiText(`srv #${s.fingerprint.short} ${s.state}`)} color={ONLINE_STATES.has(s.state) ? 'green' : 'yellow'} />
      ))}
      {state.servers.size > 0 ? <SafeTextView text={uiText(SERVERS_HINT)} dim /> : null}
      {(state.openProfiles?.length ?? 0) > 1 && state.profile !== undefined ? <SafeTextView text={untrustedLine(`◉ ${state.profile.name} (${state.openProfiles!.length} open)`)} bold /> : null}
      {state.lowBandwidth ? <SafeTextView text={uiText('LOW-BW')} color="magenta" bold /> : null}
      {hot !== null ? <SafeTextView text={uiText(hot)} color="cyan" bold /> : null}
      {budget !== null ? (
        <SafeTextView text={uiText(`↕ ${budget}`)} color={full >= 100 ? 'red' : full >= 80 ? 'yellow' : undefined} dim={full < 80} />
      ) : (
        <SafeTextView text={uiText(`↕ ${formatBytes(bytesToday(state))} today`)} dim />
      )}
      {state.lastError !== undefined ? <SafeTextView text={uiText(`✗ ${state.lastError.message}`)} color="red" wrap="truncate" /> : null}
    </Box>
  );
}
