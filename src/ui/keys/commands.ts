// Every keyboard command the UI understands, as dotted ids (gemini-cli style). Components ask
// "is this input.submit?" instead of comparing escape sequences.

export const KEY_COMMANDS = [
  'input.submit',
  'input.newline',
  'input.clear',
  'input.recall-last',
  'input.complete',
  'nav.next',
  'nav.prev',
  'nav.jump.1',
  'nav.jump.2',
  'nav.jump.3',
  'nav.jump.4',
  'nav.jump.5',
  'nav.jump.6',
  'nav.jump.7',
  'nav.jump.8',
  'nav.jump.9',
  'nav.jump.10',
  'nav.next-activity',
  'nav.switcher',
  'scroll.pageUp',
  'scroll.pageDown',
  'scroll.top',
  'scroll.bottom',
  'app.help',
  'app.quit',
  'app.cancel',
  'view.fail-reasons',
  'invite.review',
  'view.servers',
  'contact.verify',
  'input.search',
] as const;

export type KeyCommand = (typeof KEY_COMMANDS)[number];

/** The 1-based slot of a jump command. */
export function jumpSlot(c: KeyCommand): number | undefined {
  const m = /^nav\.jump\.(\d+)$/.exec(c);
  return m === null ? undefined : Number(m[1]);
}
