// The only escape sequences the UI itself emits. The app decides when to write enter/leave (enter on start,
// leave on every exit path); the frame writer (src/ui/output/) builds its frames from the rest. Keeping them
// here means a grep for ESC in src/ui finds one file.

const ESC = '\u001b';
const CSI = `${ESC}[`;

/** Switch to the alternate screen (xterm 1049) so the user's scrollback is left untouched. */
export const ENTER_ALT_SCREEN = `${CSI}?1049h`;
/** Return to the normal screen; the shell prompt and scrollback reappear. */
export const LEAVE_ALT_SCREEN = `${CSI}?1049l`;
/** Ask the terminal to wrap pastes in ESC[200~ … ESC[201~ so a pasted newline can never send. */
export const BRACKETED_PASTE_ON = `${CSI}?2004h`;
export const BRACKETED_PASTE_OFF = `${CSI}?2004l`;
/** Markers the terminal puts around a bracketed paste, as Ink's input parser delivers them. */
export const PASTE_START = `${CSI}200~`;
export const PASTE_END = `${CSI}201~`;
/**
 * Cursor off while the TUI runs: the frame writer jumps the cursor around the screen, and a visible block
 * flickering across changed rows is noise (the composer draws its own cursor cell). Ink's full redraw hid it
 * itself; the frame writer does not, so enter/leave do it for both.
 */
export const CURSOR_HIDE = `${CSI}?25l`;
export const CURSOR_SHOW = `${CSI}?25h`;

/** Synchronised update (mode 2026): the terminal shows the frame only when it is complete. Unknown private modes are ignored. */
export const SYNC_START = `${CSI}?2026h`;
export const SYNC_END = `${CSI}?2026l`;
/** Erase the whole screen (the alternate screen: no scrollback to lose). */
export const CLEAR_SCREEN = `${CSI}2J`;
/** Erase from the cursor to the end of the line. */
export const ERASE_TO_EOL = `${CSI}K`;

/**
 * The terminal bell (BEL), for a message in another conversation when the bell setting is on (use-bell.ts). It
 * moves no cursor and draws nothing, so it may go out between frames.
 */
export const BELL = '\u0007';

/** Cursor to column 1 of `row` (1-based): absolute, so it cannot drift the way relative moves can. */
export function cursorToRow(row: number): string {
  return `${CSI}${row};1H`;
}

/** Everything to write when the TUI takes over the terminal. */
export function enterTerminal(): string {
  return ENTER_ALT_SCREEN + BRACKETED_PASTE_ON + CURSOR_HIDE;
}

/** Everything to write when giving the terminal back, in reverse order of enterTerminal. */
export function leaveTerminal(): string {
  return CURSOR_SHOW + BRACKETED_PASTE_OFF + LEAVE_ALT_SCREEN;
}
