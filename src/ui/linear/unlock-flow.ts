// Linear mode's unlock / create-profile questions as a pure state machine over typed lines: one question at a time,
// passwords asked without echo, the same empty-password warning as the Ink form (UnlockScreen).

import type { EngineCommand } from '../../core/api/commands.js';
import { NO_PASSWORD_WARNING_TEXT } from '../controller/unlock.js';

export type UnlockFlow =
  | { readonly step: 'choose' }
  | { readonly step: 'password' }
  | { readonly step: 'name' }
  | { readonly step: 'new-password'; readonly name: string }
  | { readonly step: 'confirm'; readonly name: string; readonly password: string }
  | { readonly step: 'no-password'; readonly name: string }
  /** A command went to the engine: wait for `profile` or an error. */
  | { readonly step: 'waiting'; readonly mode: 'unlock' | 'create' };

/** The next question; `secret` answers are read without echo. */
export interface Ask {
  readonly text: string;
  readonly secret: boolean;
}

export interface UnlockOut {
  readonly flow: UnlockFlow;
  readonly say: readonly string[];
  readonly ask?: Ask;
  readonly command?: EngineCommand;
  readonly quit?: boolean;
}

const ASK: Readonly<Record<Exclude<UnlockFlow['step'], 'waiting'>, Ask>> = {
  choose: { text: 'Type u to unlock your profile, c to create a new one, or q to quit: ', secret: false },
  password: { text: 'Password (not shown): ', secret: true },
  name: { text: 'Name for the new profile (others see it; it need not be your real name): ', secret: false },
  'new-password': { text: 'Password (not shown; empty for none): ', secret: true },
  confirm: { text: 'Password again (not shown): ', secret: true },
  'no-password': { text: 'Type yes to create it without a password, or anything else to choose one: ', secret: false },
};

function to(flow: Exclude<UnlockFlow, { step: 'waiting' }>, say: readonly string[] = []): UnlockOut {
  return { flow, say, ask: ASK[flow.step] };
}

/** The first question. */
export function startUnlock(): UnlockOut {
  return to({ step: 'choose' }, ['Cwtch, linear mode. /help after unlocking lists the commands.']);
}

/** No profile here yet (the engine's `profiles` count is 0): straight to creating one. */
export function firstRunUnlock(): UnlockOut {
  return to({ step: 'name' }, ['Cwtch, linear mode. There is no profile here yet: create one. Ctrl+D quits; /help after that lists the commands.']);
}

/**
 * One typed line (a secret one arrives as typed, never echoed).
 * Example: in `choose`, "c" asks for a name; in `password`, "pw" sends `{cmd: 'unlock', password: 'pw'}`.
 */
export function unlockLine(flow: UnlockFlow, line: string): UnlockOut {
  switch (flow.step) {
    case 'choose': {
      const a = line.trim().toLowerCase();
      if (a === 'u' || a === 'unlock') return to({ step: 'password' });
      if (a === 'c' || a === 'create') return to({ step: 'name' });
      if (a === 'q' || a === 'quit' || a === '/quit') return { flow, say: [], quit: true };
      return to(flow);
    }
    case 'password':
      return { flow: { step: 'waiting', mode: 'unlock' }, say: [], command: { cmd: 'unlock', password: line } };
    case 'name': {
      const name = line.trim();
      if (name.length === 0) return to(flow, ['Give the profile a name.']);
      return to({ step: 'new-password', name });
    }
    case 'new-password':
      if (line.length === 0) return to({ step: 'no-password', name: flow.name }, [NO_PASSWORD_WARNING_TEXT]);
      return to({ step: 'confirm', name: flow.name, password: line });
    case 'confirm':
      if (line !== flow.password) return to({ step: 'new-password', name: flow.name }, ['The two passwords differ. Type the password again.']);
      return { flow: { step: 'waiting', mode: 'create' }, say: [], command: { cmd: 'create-profile', name: flow.name, password: flow.password } };
    case 'no-password':
      if (line.trim().toLowerCase() === 'yes') return { flow: { step: 'waiting', mode: 'create' }, say: [], command: { cmd: 'create-profile', name: flow.name, password: '' } };
      return to({ step: 'new-password', name: flow.name });
    case 'waiting':
      // Typed while the engine works: not kept (a password typed ahead must not become a message), but said so.
      if (line.trim() === '/quit') return { flow, say: [], quit: true };
      return { flow, say: line.trim().length === 0 ? [] : ['Still opening the profile: that line was not used.'] };
  }
}

/** The engine refused (wrong password, no profile yet): say why and ask again. */
export function unlockError(flow: UnlockFlow, code: string, message: string): UnlockOut | undefined {
  if (flow.step !== 'waiting') return undefined;
  if (code === 'profile.none') return to({ step: 'choose' }, [`${message}.`, 'There is no profile here yet: type c to create one.']);
  return to(flow.mode === 'unlock' ? { step: 'password' } : { step: 'name' }, [`Could not open the profile: ${message}.`]);
}

/**
 * What the user typed at a secret prompt, read in raw mode (no echo): Backspace/DEL delete, Ctrl+U clears;
 * `null` when they pressed Ctrl+C or Ctrl+D (give up).
 */
export function secretLine(raw: string): string | null {
  let out: string[] = [];
  for (const ch of raw) {
    if (ch === '\u0003' || ch === '\u0004') return null;
    if (ch === '\u007f' || ch === '\b') out.pop();
    else if (ch === '\u0015') out = [];
    else if (ch >= ' ') out.push(ch);
  }
  return out.join('');
}
