// One line at the bottom: tor bootstrap, servers, low-bandwidth flag, bytes today, the last error.

import { Box } from 'ink';
import type { ReactNode } from 'react';
import { uiText } from '../text.js';
import { budgetPercent, budgetText, formatBytes, hotlistText, ONLINE_STATES, progressBar } from '../view-model/format.js';
import { bytesToday, type UiState } from '../view-model/state.js';
import { SafeTextView } from './SafeTextView.js';

/** The servers view's key, next to the servers it opens on (bindings.ts: view.servers). */
export const SERVERS_HINT = '(Alt+S)';

export interface StatusLineProps {
  readonly state: UiState;
}

export function StatusLine({ state }: StatusLineProps): ReactNode {
  const tor = state.tor;
  const torPart =
    tor.state === 'starting'
      ? uiText(`Tor ${tor.progress}% ${progressBar(tor.progress, 10)} `)
      : tor.state === 'ready'
        ? uiText('Tor ready ')
        : uiText(`Tor ${tor.state} `);
  return (
    <Box flexDirection="row" gap={1}>
      <SafeTextView text={torPart} color={tor.state === 'ready' ? 'green' : tor.state === 'failed' ? 'red' : 'yellow'}>
        <SafeTextView text={tor.state === 'ready' ? uiText('') : tor.summary} dim />
      </SafeTextView>
      {[...state.servers.values()].map((s) => (
        <SafeTextView key={s.onion} text={uiText(`srv #${s.fingerprint.short} ${s.state}`)} color={ONLINE_STATES.has(s.state) ? 'green' : 'yellow'} />
      ))}
      {state.servers.size > 0 ? <SafeTextView text={uiText(SERVERS_HINT)} dim /> : null}
      {state.lowBandwidth ? <SafeTextView text={uiText('LOW-BW')} color="magenta" bold /> : null}
      {hotlistText(state) !== null ? <SafeTextView text={uiText(hotlistText(state)!)} color="cyan" bold /> : null}
      {budgetText(state) !== null ? (
        <SafeTextView text={uiText(`↕ ${budgetText(state)!}`)} color={budgetPercent(state) >= 100 ? 'red' : budgetPercent(state) >= 80 ? 'yellow' : undefined} dim={budgetPercent(state) < 80} />
      ) : (
        <SafeTextView text={uiText(`↕ ${formatBytes(bytesToday(state))} today`)} dim />
      )}
      {state.lastError !== undefined ? <SafeTextView text={uiText(`✗ ${state.lastError.message}`)} color="red" wrap="truncate" /> : null}
    </Box>
  );
}
