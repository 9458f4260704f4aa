// A bounded line reader: splits a byte stream at "\n" and never holds more than `maxBytes` of one line. A longer
// line is reported once as too long and its remaining bytes are skipped up to the next newline, so a 10 MB line
// costs at most `maxBytes` of memory.

export type LineEvent = { readonly kind: 'line'; readonly text: string } | { readonly kind: 'too-long' };

export class LineReader {
  private parts: Uint8Array[] = [];
  private size = 0;
  private skipping = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(private readonly maxBytes: number) {}

  /** Feed a chunk; returns the complete lines (and too-long notices) it finished. */
  push(chunk: Uint8Array): LineEvent[] {
    const out: LineEvent[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl < 0 ? chunk.length : nl;
      if (!this.skipping) {
        const piece = chunk.subarray(start, end);
        if (this.size + piece.length > this.maxBytes) {
          this.skipping = true;
          this.parts = [];
          this.size = 0;
          out.push({ kind: 'too-long' });
        } else if (piece.length > 0) {
          this.parts.push(piece.slice());
          this.size += piece.length;
        }
      }
      if (nl < 0) return out;
      if (!this.skipping) out.push({ kind: 'line', text: this.take() });
      this.skipping = false;
      this.parts = [];
      this.size = 0;
      start = nl + 1;
    }
  }

  /** At end of input: the last line if it had no newline. */
  end(): LineEvent[] {
    if (this.skipping || this.size === 0) return [];
    return [{ kind: 'line', text: this.take() }];
  }

  private take(): string {
    const all = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      all.set(p, o);
      o += p.length;
    }
    const s = this.decoder.decode(all);
    return s.endsWith('\r') ? s.slice(0, -1) : s;
  }
}
