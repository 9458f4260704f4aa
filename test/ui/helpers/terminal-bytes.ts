// A strict reader of what the TUI writes to a terminal: every escape sequence and control character is
// classified, and anything not on the allow-list (what Ink and src/ui/terminal.ts emit) is reported.

export interface ByteScan {
  /** Sequences that passed, by kind (e.g. "CSI m", "CSI ?25l"), with counts. */
  readonly allowed: ReadonlyMap<string, number>;
  /** What must never reach a terminal from this UI, with a short excerpt around each (escaped). */
  readonly rejected: readonly string[];
  /** The printable text left after removing the allowed sequences. */
  readonly text: string;
}

/**
 * CSI sequences the UI may write, as `${private marker}${final byte}` keys with the parameter forms allowed:
 * SGR colours (chalk via Ink); Ink's log-update: erase line (2K, K), cursor up (A), cursor to column (G),
 * next line (E), clear screen (2J, 3J, H) when a frame is taller than the terminal; the frame writer's row moves
 * (H to column 1 of a row, src/ui/output/); cursor hide/show (?25);
 * synchronised output (?2026); and terminal.ts: alternate screen (?1049), bracketed paste (?2004).
 */
const ALLOWED_CSI: ReadonlyMap<string, RegExp> = new Map([
  // Only the styles the UI asks chalk for: reset, bold, dim, inverse and their ends, 16 foreground colours.
  // Conceal (8), blink (5), underline, backgrounds or 256/true colour never come from us.
  ['m', /^(0|1|2|7|22|27|39|3[0-7]|9[0-7])?$/],
  ['K', /^[0-2]?$/],
  ['A', /^[0-9]*$/],
  ['G', /^[0-9]*$/],
  ['E', /^[0-9]*$/],
  ['J', /^[0-3]?$/],
  ['H', /^([0-9]+;1)?$/],
  ['?l', /^(25|2026|1049|2004)$/],
  ['?h', /^(25|2026|1049|2004)$/],
]);

const show = (s: string): string => JSON.stringify(s).slice(1, -1);

export function scanTerminalBytes(out: string): ByteScan {
  const allowed = new Map<string, number>();
  const rejected: string[] = [];
  let text = '';
  const reject = (at: number, len: number, why: string): void => {
    if (rejected.length < 50) rejected.push(`${why}: …${show(out.slice(Math.max(0, at - 8), at + len + 8))}…`);
  };
  for (let i = 0; i < out.length; ) {
    const c = out.charCodeAt(i);
    if (c === 0x1b) {
      // Only CSI (ESC [) is ever ours; OSC, DCS, APC, PM, SOS, two-byte escapes and nF are all rejected.
      // eslint-disable-next-line no-control-regex -- matching ESC is the point
      const m = /^\u001b\[([?<>=]?)([0-9;:]*)([ -/]*)([@-~])/.exec(out.slice(i, i + 64));
      if (m === null) {
        reject(i, 2, 'non-CSI escape');
        i += 1;
        continue;
      }
      const [all, priv = '', params = '', inter = '', fin = ''] = m;
      const key = `${priv}${fin}`;
      const form = ALLOWED_CSI.get(key);
      if (inter === '' && form !== undefined && form.test(params)) allowed.set(`CSI ${priv}${priv === '' ? '' : params}${fin}`, (allowed.get(`CSI ${priv}${priv === '' ? '' : params}${fin}`) ?? 0) + 1);
      else reject(i, all.length, 'CSI not on the allow-list');
      i += all.length;
      continue;
    }
    if (c === 0x0a) {
      text += '\n';
      i += 1;
      continue;
    }
    if (c === 0x0d && out.charCodeAt(i + 1) === 0x0a) {
      i += 1;
      continue;
    }
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f)) {
      reject(i, 1, c === 0x0d ? 'bare CR' : c >= 0x80 ? 'C1 control' : 'C0 control');
      i += 1;
      continue;
    }
    text += out[i];
    i += 1;
  }
  return { allowed, rejected, text };
}
