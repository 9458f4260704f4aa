// `/profile` in words, for the full screen and linear mode alike: the open profiles, which one a name means, and
// the two questions before a profile is deleted (it cannot be undone: its keys, contacts and messages go).

import type { EngineCommand } from '../../core/api/commands.js';
import type { UiAction } from '../commands/slash.js';
import type { UiState } from './state.js';

/** "Open profiles: alice (active), work — /profile NAME switches …". */
export function profilesText(view: UiState): string {
  const open = view.openProfiles ?? [];
  if (open.length === 0) return 'No profile is open.';
  const list = open.map((p) => `${p.name}${p.active ? ' (active)' : ''}`).join(', ');
  return `Open profiles: ${list} — /profile NAME switches, /profile new makes another, /profile delete deletes the active one.`;
}

/** The open profile called `name` (any case), or why there is none to pick. */
function findOpenProfile(view: UiState, name: string): { readonly profileId: string } | { readonly error: string } {
  const want = name.trim().toLowerCase();
  const hits = (view.openProfiles ?? []).filter((p) => p.name.toLowerCase() === want);
  if (hits.length === 1) return { profileId: hits[0]!.profileId };
  if (hits.length > 1) return { error: `Two open profiles are called ${hits[0]!.name}: use headless select-profile with its profileId.` };
  return { error: `No open profile is called that. ${profilesText(view)}` };
}

/** What `/profile NAME` or `/profile delete …` leads to: a command, or a line to say. */
export function profileAction(view: UiState, a: Extract<UiAction, { ui: 'select-profile' | 'delete-profile' }>): { readonly command: EngineCommand } | { readonly say: string } {
  if (a.ui === 'select-profile') {
    const p = findOpenProfile(view, a.name);
    if ('error' in p) return { say: p.error };
    return view.profile?.profileId === p.profileId ? { say: `${view.profile.name} is the active profile already.` } : { command: { cmd: 'select-profile', profile: p.profileId } };
  }
  const active = view.profile;
  if (active === undefined) return { say: 'No profile is open.' };
  if (a.name === undefined) {
    return { say: `Delete profile ${active.name}, its keys, contacts and messages? Next: /profile delete ${active.name}` };
  }
  const p = findOpenProfile(view, a.name);
  if ('error' in p) return { say: p.error };
  if (!a.confirmed) return { say: `It cannot be undone: /profile delete ${a.name.trim()} yes deletes it now.` };
  return { command: { cmd: 'delete-profile', profile: p.profileId } };
}
