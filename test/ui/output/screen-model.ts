// A small model of what a VT100-style terminal does with the frame writer's bytes: a grid of cells, absolute
// row moves, erase to end of line, clear screen, autowrap with xterm's pending-wrap column (a row exactly as wide
// as the screen leaves the cursor ON the last column; EL there erases it; the next character wraps and, on the
// bottom row, scrolls). Colours are skipped. Anything else is an error: the writer must not send it.

import stringWidth from 'string-width';

export class ScreenModel {
  private grid: string[][];
  private row = 0;
  private col = 0;
  private pendingWrap = false;

  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    this.grid = Array.from({ length: rows }, () => this.blankRow());
  }

  private blankRow(): string[] {
    return Array.from({ length: this.columns }, () => ' ');
  }

  /** The screen as text, one line per row, trailing blanks trimmed (wide characters take one entry plus a ''). */
  lines(): string[] {
    return this.grid.map((r) => r.join('').trimEnd());
  }

  feed(bytes: string): void {
    for (let i = 0; i < bytes.length; ) {
      if (bytes[i] === '\u001b') {
        // eslint-disable-next-line no-control-regex -- parsing ESC is the point
        const m = /^\u001b\[([?]?)([0-9;]*)([A-Za-z])/.exec(bytes.slice(i, i + 32));
        if (m === null) throw new Error(`unexpected escape at ${i}: ${JSON.stringify(bytes.slice(i, i + 10))}`);
        this.csi(m[1]!, m[2]!, m[3]!);
        i += m[0].length;
        continue;
      }
      const cp = bytes.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      if (cp < 0x20) throw new Error(`unexpected control ${cp} at ${i}`);
      this.put(ch);
      i += ch.length;
    }
  }

  private csi(priv: string, params: string, fin: string): void {
    if (fin === 'm') return;
    if (priv === '?' && (fin === 'h' || fin === 'l') && (params === '2026' || params === '25')) return;
    if (priv === '' && fin === 'H') {
      const [r = '1', c = '1'] = params.split(';');
      this.row = Math.min(this.rows, Math.max(1, Number(r))) - 1;
      this.col = Math.min(this.columns, Math.max(1, Number(c))) - 1;
      this.pendingWrap = false;
      return;
    }
    if (priv === '' && fin === 'K' && params === '') {
      for (let c = this.col; c < this.columns; c++) this.grid[this.row]![c] = ' ';
      this.pendingWrap = false;
      return;
    }
    if (priv === '' && fin === 'J' && params === '2') {
      this.grid = Array.from({ length: this.rows }, () => this.blankRow());
      return;
    }
    throw new Error(`unexpected CSI ${priv}${params}${fin}`);
  }

  private put(ch: string): void {
    const w = stringWidth(ch);
    if (w === 0) return;
    if (this.pendingWrap || this.col + w > this.columns) {
      this.pendingWrap = false;
      this.col = 0;
      this.row++;
      if (this.row === this.rows) {
        this.grid.shift();
        this.grid.push(this.blankRow());
        this.row = this.rows - 1;
      }
    }
    const r = this.grid[this.row]!;
    r[this.col] = ch;
    if (w === 2) r[this.col + 1] = '';
    if (this.col + w >= this.columns) {
      this.col = this.columns - 1;
      this.pendingWrap = true;
    } else this.col += w;
  }
}
