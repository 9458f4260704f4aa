// Unlock a profile, or create one (Tab switches). An empty password is allowed after a plain warning:
// Cwtch then uses its well-known default password, which protects nothing.

import { Box, useInput } from 'ink';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { EngineCommand } from '../../core/api/commands.js';
import { feedUnlockKey, INITIAL_UNLOCK, NO_PASSWORD_WARNING_TEXT, type UnlockState } from '../controller/unlock.js';
import { secretMask, uiText, untrustedLine, type SafeText } from '../text.js';
import { torStateText } from '../view-model/format.js';
import type { UiState } from '../view-model/state.js';
import { SafeTextView } from './SafeTextView.js';

export interface UnlockScreenProps {
  /** The engine's last error (for example a wrong password), already sanitised. */
  readonly error?: { readonly code: string; readonly message: SafeText };
  readonly onCommand: (c: EngineCommand) => void;
  readonly onQuit: () => void;
  /** Profiles in the home folder (the engine says at start); 0 opens on create. */
  readonly profileCount?: number;
  /** Tor's bootstrap, shown until it is ready: a stuck bootstrap must say so here too. */
  readonly tor?: UiState['tor'];
}

export const NO_PASSWORD_WARNING = `${NO_PASSWORD_WARNING_TEXT} Press Enter again to create it anyway.`;

function Field({ label, value, active, secret }: { readonly label: string; readonly value: string; readonly active: boolean; readonly secret: boolean }): ReactNode {
  const shown = secret ? secretMask(value) : value;
  return <SafeTextView text={secret ? uiText(`${label}: ${shown}${active ? '▏' : ''}`) : untrustedLine(`${label}: ${shown}${active ? '▏' : ''}`)} bold={active} />;
}

export function UnlockScreen({ error, onCommand, onQuit, profileCount, tor }: UnlockScreenProps): ReactNode {
  const [form, setForm] = useState<UnlockState>(INITIAL_UNLOCK);
  // Several keys can arrive in one stdin chunk before React re-renders: read the latest from a ref.
  const ref = useRef(form);
  // A first run has nothing to unlock: open on create, unless the user already typed something.
  useEffect(() => {
    if (profileCount !== 0 || ref.current !== INITIAL_UNLOCK) return;
    const first: UnlockState = { ...INITIAL_UNLOCK, mode: 'create', field: 'name' };
    ref.current = first;
    setForm(first);
  }, [profileCount]);
  useInput((input, key) => {
    const step = feedUnlockKey(ref.current, input, key);
    ref.current = step.state;
    setForm(step.state);
    if (step.command !== undefined) onCommand(step.command);
    if (step.quit === true) onQuit();
  });
  const create = form.mode === 'create';
  return (
    <Box flexDirection="column" paddingX={1}>
      <SafeTextView text={uiText(create ? 'Create a Cwtch profile' : 'Unlock your Cwtch profile')} bold />
      {create && profileCount === 0 ? <SafeTextView text={uiText('There is no profile here yet: give yours a name and a password.')} /> : null}
      <SafeTextView text={uiText('Tab switches between unlock and create. Ctrl+D on an empty field quits.')} dim />
      {create ? <Field label="Name" value={form.name} active={form.field === 'name'} secret={false} /> : null}
      <Field label="Password" value={form.password} active={form.field === 'password'} secret />
      {create && form.field === 'confirm' ? <Field label="Password again" value={form.confirm} active secret /> : null}
      {create && form.warnedNoPassword ? <SafeTextView text={uiText(NO_PASSWORD_WARNING)} color="yellow" /> : null}
      {create && form.field === 'password' && form.password.length === 0 && !form.warnedNoPassword ? (
        <SafeTextView text={uiText('Leave empty for no password (you will be warned what that means).')} dim />
      ) : null}
      {form.problem === 'mismatch' ? <SafeTextView text={uiText('The two passwords differ. Type the password again.')} color="red" /> : null}
      {form.problem === 'no-name' ? <SafeTextView text={uiText('Give the profile a name (others see it; it need not be your real name).')} color="red" /> : null}
      {error !== undefined ? <SafeTextView text={uiText(`✗ ${error.message}`)} color="red" /> : null}
      {tor !== undefined && tor.state !== 'ready' ? (
        <SafeTextView text={uiText(torStateText(tor))} color={tor.state === 'failed' ? 'red' : 'yellow'} wrap="truncate">
          <SafeTextView text={tor.summary} dim />
        </SafeTextView>
      ) : null}
    </Box>
  );
}
