// The only escape sequences the UI itself emits. The app decides when to write them (enter on start,
// leave on every exit path); keeping them here means a grep for ESC in src/ui finds one file.

const ESC = '\u001b';

/** Switch to the alternate screen (xterm 1049) so the user's scrollback is left untouched. */
export const ENTER_ALT_SCREEN = `${ESC}[?1049h`;
/** Return to the normal screen; the shell prompt and scrollback reappear. */
export const LEAVE_ALT_SCREEN = `${ESC}[?1049l`;
/** Ask the terminal to wrap pastes in ESC[200~ … ESC[201~ so a pasted newline can never send. */
export const BRACKETED_PASTE_ON = `${ESC}[?2004h`;
export const BRACKETED_PASTE_OFF = `${ESC}[?2004l`;
/** Markers the terminal puts around a bracketed paste, as Ink's input parser delivers them. */
export const PASTE_START = `${ESC}[200~`;
export const PASTE_END = `${ESC}[201~`;

/** Everything to write when the TUI takes over the terminal. */
export function enterTerminal(): string {
  return ENTER_ALT_SCREEN + BRACKETED_PASTE_ON;
}

/** Everything to write when giving the terminal back, in reverse order of enterTerminal. */
export function leaveTerminal(): string {
  return BRACKETED_PASTE_OFF + LEAVE_ALT_SCREEN;
}
