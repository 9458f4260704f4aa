// /password: the current password, then the new one twice; /profile new: a name, then a password twice. Passwords
// are never drawn: a bullet per character, so someone behind you (or a screen recording over SSH) learns at most
// its length.

import { Box } from 'ink';
import type { ReactNode } from 'react';
import { secretMask, uiText, untrustedLine } from '../text.js';
import { SafeTextView } from './SafeTextView.js';

export interface PasswordViewProps {
  readonly field: 'old' | 'new' | 'again';
  readonly old: string;
  readonly new: string;
  readonly again: string;
  readonly mismatch?: boolean;
}

export function PasswordView(p: PasswordViewProps): ReactNode {
  const line = (label: string, f: PasswordViewProps['field'], v: string): ReactNode => (
    <SafeTextView text={uiText(`${label}: ${secretMask(v)}${p.field === f ? '▏' : ''}`)} bold={p.field === f} />
  );
  return (
    <Box flexDirection="column" borderStyle="single" paddingX={1}>
      <SafeTextView text={uiText('Change the profile\'s password — Enter goes on, Esc cancels')} bold />
      {line('Current password', 'old', p.old)}
      {p.field !== 'old' ? line('New password', 'new', p.new) : null}
      {p.field === 'again' ? line('New password again', 'again', p.again) : null}
      {p.mismatch === true ? <SafeTextView text={uiText('The two new passwords differ. Type the new one again.')} color="red" /> : null}
      {p.field === 'new' && p.new.length === 0 ? <SafeTextView text={uiText('Empty means the default password, which protects nothing.')} dim /> : null}
    </Box>
  );
}

export interface NewProfileViewProps {
  readonly field: 'name' | 'new' | 'again';
  readonly name: string;
  readonly new: string;
  readonly again: string;
  readonly mismatch?: boolean;
}

export function NewProfileView(p: NewProfileViewProps): ReactNode {
  const cursor = (f: NewProfileViewProps['field']): string => (p.field === f ? '▏' : '');
  return (
    <Box flexDirection="column" borderStyle="single" paddingX={1}>
      <SafeTextView text={uiText('Another profile (its own address and contacts) — Enter goes on, Esc cancels')} bold />
      <SafeTextView text={untrustedLine(`Name: ${p.name}${cursor('name')}`)} bold={p.field === 'name'} />
      {p.field !== 'name' ? <SafeTextView text={uiText(`Password: ${secretMask(p.new)}${cursor('new')}`)} bold={p.field === 'new'} /> : null}
      {p.field === 'again' ? <SafeTextView text={uiText(`Password again: ${secretMask(p.again)}${cursor('again')}`)} bold /> : null}
      {p.mismatch === true ? <SafeTextView text={uiText('The two passwords differ. Type it again.')} color="red" /> : null}
      {p.field === 'new' && p.new.length === 0 ? <SafeTextView text={uiText('Empty means the default password, which protects nothing.')} dim /> : null}
      <SafeTextView text={uiText('Both stay open: /profile NAME switches between them.')} dim />
    </Box>
  );
}
