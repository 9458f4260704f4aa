// Tor control-port reply framing (control-spec §2.3, §4): pure and strict. Anything outside the grammar
// is a typed error and the connection is considered poisoned; nothing here throws on hostile input.

import { TOR_CONTROL_MAX_LINE, TOR_CONTROL_MAX_REPLY } from '../core/limits.js';
import { err, fail, ok, type Result, type DecodeError } from '../core/result.js';
import type { TorErrorCode } from './errors.js';

export interface ReplyLine {
  /** 3-digit status, the same on every line of one reply. */
  readonly status: number;
  /** '-' mid-reply, '+' data follows, ' ' end of reply. */
  readonly sep: '-' | '+' | ' ';
  readonly text: string;
  /** Only for '+' lines: the dot-decoded data block, lines joined with '\n'. */
  readonly data?: string;
}

export interface Reply {
  readonly status: number;
  readonly lines: readonly ReplyLine[];
}

export interface ControlDecodeError extends DecodeError {
  readonly code: TorErrorCode;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Incremental reply assembler. feed() bytes as they come; complete replies come back in order.
 * After the first error every later feed returns the same error.
 */
export class ReplyParser {
  // Bytes of an unfinished line, kept as chunks so a line fed byte by byte costs linear, not quadratic, time.
  private pending: Uint8Array[] = [];
  private pendingLen = 0;
  private lines: ReplyLine[] = [];
  private replyBytes = 0;
  private data: { head: { status: number; text: string }; lines: string[] } | null = null;
  private broken: ControlDecodeError | null = null;

  constructor(
    private readonly maxLine = TOR_CONTROL_MAX_LINE,
    private readonly maxReply = TOR_CONTROL_MAX_REPLY,
  ) {}

  /** True while a reply has started but not finished (used by the deadline logic). */
  get midReply(): boolean {
    return this.lines.length > 0 || this.data !== null || this.pendingLen > 0;
  }

  feed(chunk: Uint8Array): Result<Reply[], ControlDecodeError> {
    if (this.broken) return err(this.broken);
    if (chunk.indexOf(LF) < 0) {
      this.pending.push(chunk.slice());
      this.pendingLen += chunk.length;
      if (this.pendingLen > this.maxLine) return this.poison('control.line-too-long', 'a control-port line is too long');
      return ok([]);
    }
    const joined = new Uint8Array(this.pendingLen + chunk.length);
    let at = 0;
    for (const p of this.pending) {
      joined.set(p, at);
      at += p.length;
    }
    joined.set(chunk, at);
    this.pending = [];
    this.pendingLen = 0;
    const out: Reply[] = [];
    let start = 0;
    for (;;) {
      const nl = joined.indexOf(LF, start);
      if (nl < 0) break;
      if (nl - start + 1 > this.maxLine) return this.poison('control.line-too-long', 'a control-port line is too long');
      if (nl === start || joined[nl - 1] !== CR) return this.poison('control.bad-line', 'a control-port line does not end in CRLF');
      const line = decodeLine(joined.subarray(start, nl - 1));
      if (line === null) return this.poison('control.bad-line', 'a control-port line has control characters');
      this.replyBytes += nl - start + 1;
      if (this.replyBytes > this.maxReply) return this.poison('control.reply-too-large', 'a control-port reply is too large');
      start = nl + 1;
      const r = this.line(line);
      if (!r.ok) return r;
      if (r.value) out.push(r.value);
    }
    if (start < joined.length) {
      this.pending = [joined.slice(start)];
      this.pendingLen = joined.length - start;
    }
    if (this.pendingLen > this.maxLine) return this.poison('control.line-too-long', 'a control-port line is too long');
    return ok(out);
  }

  private line(line: string): Result<Reply | null, ControlDecodeError> {
    if (this.data !== null) {
      if (line === '.') {
        const { head, lines } = this.data;
        this.data = null;
        this.lines.push({ status: head.status, sep: '+', text: head.text, data: lines.join('\n') });
        return ok(null);
      }
      // Dot-stuffing: a data line that starts with '.' was sent with an extra '.'.
      this.data.lines.push(line.startsWith('.') ? line.slice(1) : line);
      return ok(null);
    }
    const m = /^([2-6][0-9]{2})([ +-])(.*)$/s.exec(line);
    if (!m) return this.poison('control.bad-status', 'a control-port line has no valid status code');
    const status = Number(m[1]);
    const sep = m[2] as ' ' | '+' | '-';
    const text = m[3]!;
    const first = this.lines[0];
    if (first && first.status !== status) return this.poison('control.mixed-status', 'a control-port reply mixes status codes');
    if (sep === '+') {
      this.data = { head: { status, text }, lines: [] };
      return ok(null);
    }
    this.lines.push({ status, sep, text });
    if (sep === '-') return ok(null);
    const reply: Reply = { status, lines: this.lines };
    this.lines = [];
    this.replyBytes = 0;
    return ok(reply);
  }

  private poison(code: TorErrorCode, reason: string): Result<never, ControlDecodeError> {
    this.broken = { code, reason };
    return err(this.broken);
  }
}

/** Printable ASCII, tab and UTF-8 bytes; any other control byte is refused. */
function decodeLine(b: Uint8Array): string | null {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return null;
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(b);
}

/**
 * Split "WORD KEY=VALUE KEY2="quoted \" value"" into positional words and keywords (control-spec §2.1).
 * Quoted strings use C escapes; an unterminated quote or a bad escape is an error.
 */
export function parseKeywords(text: string): Result<{ words: string[]; kv: Map<string, string> }> {
  const words: string[] = [];
  const kv = new Map<string, string>();
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && text[i] === ' ') i++;
    if (i >= n) break;
    let key = '';
    while (i < n && text[i] !== ' ' && text[i] !== '=') key += text[i++];
    if (i < n && text[i] === '=') {
      i++;
      if (text[i] === '"') {
        const q = readQuoted(text, i);
        if (!q.ok) return q;
        kv.set(key, q.value.value);
        i = q.value.end;
        if (i < n && text[i] !== ' ') return fail('control.bad-reply', 'text after a quoted value');
      } else {
        let v = '';
        while (i < n && text[i] !== ' ') v += text[i++];
        kv.set(key, v);
      }
    } else {
      words.push(key);
    }
  }
  return ok({ words, kv });
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };

/** Read a QuotedString starting at text[start] === '"'. */
export function readQuoted(text: string, start: number): Result<{ value: string; end: number }> {
  let v = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') return ok({ value: v, end: i + 1 });
    if (c === '\\') {
      const e = text[i + 1];
      if (e === undefined) break;
      if (/[0-7]/.test(e)) {
        const oct = /^[0-7]{1,3}/.exec(text.slice(i + 1))![0];
        v += String.fromCharCode(parseInt(oct, 8) & 0xff);
        i += 1 + oct.length;
        continue;
      }
      const m = ESCAPES[e];
      if (m === undefined) return fail('control.bad-reply', 'bad escape in a quoted string');
      v += m;
      i += 2;
      continue;
    }
    v += c;
    i++;
  }
  return fail('control.bad-reply', 'unterminated quoted string');
}

/** Quote a string for a command argument (control-spec QuotedString). */
export function quote(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** The "key=value" pairs of a GETINFO reply, including '+' data blocks. */
export function getInfoValues(reply: Reply): Result<Map<string, string>> {
  const out = new Map<string, string>();
  for (const l of reply.lines) {
    if (l.sep === ' ' && l.text === 'OK') continue;
    const eq = l.text.indexOf('=');
    if (eq <= 0) return fail('control.bad-reply', 'GETINFO line without key=value');
    const key = l.text.slice(0, eq);
    out.set(key, l.sep === '+' ? (l.data ?? '') : l.text.slice(eq + 1));
  }
  return ok(out);
}

