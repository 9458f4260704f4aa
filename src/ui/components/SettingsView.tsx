// `/set` alone: each UI setting, its value and the values it takes; `/set NAME VALUE` changes one (Tab completes).

import { Box } from 'ink';
import type { ReactNode } from 'react';
import type { UiSettingsValues } from '../../core/api/ui-settings.js';
import { uiText } from '../text.js';
import { settingsLines } from '../view-model/settings-lines.js';
import { SafeTextView } from './SafeTextView.js';

export function SettingsView({ settings }: { readonly settings: UiSettingsValues }): ReactNode {
  return (
    <Box flexDirection="column">
      <SafeTextView text={uiText('Settings (this terminal’s; never secrets)')} bold wrap="truncate" />
      {settingsLines(settings).map((l) => (
        <SafeTextView key={l.slice(0, 11)} text={uiText(l)} wrap="truncate" />
      ))}
      <SafeTextView text={uiText('/set NAME VALUE changes one (Tab completes) · Esc closes')} dim wrap="truncate" />
    </Box>
  );
}
