// Linear mode's terminal: whole lines out, whole lines in. The interface lets tests drive the real linear UI
// without a terminal; nodeLinearIo is the real one (node:readline, no terminal handling: the terminal's own line
// discipline echoes and edits, so not one escape sequence is ever written).

import { createInterface } from 'node:readline';
import type { SafeText } from '../text.js';
import { secretLine } from './unlock-flow.js';

export interface LinearIo {
  /** Write each as one line. Only SafeText: nothing from the network reaches the terminal unsanitised. */
  say(lines: readonly SafeText[]): void;
  /** Write a question (no newline after it); when `secret`, the answer is read without echo. */
  ask(question: SafeText, secret: boolean): void;
  /** Every line typed, in order; `null` once input ends (Ctrl+D) or a secret prompt is given up (Ctrl+C). */
  onLine(handler: (line: string | null) => void): void;
  close(): void;
}

type Input = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };

/**
 * The real LinearIo over a process's stdin/stdout. A secret answer is read in raw mode (no echo) when stdin is a
 * terminal; Backspace, Ctrl+U, Ctrl+C and Ctrl+D are then interpreted by secretLine, and Ctrl+C / Ctrl+D give the
 * question up at once, without waiting for Enter.
 */
export function nodeLinearIo(input: Input, output: NodeJS.WritableStream): LinearIo {
  const rl = createInterface({ input, terminal: false, crlfDelay: 100 });
  let handler: (line: string | null) => void = () => {};
  let secret = false;
  /** The question on screen still waiting for its answer (its line is not ended yet). */
  let asking: string | null = null;
  let ended = false;
  const raw = (on: boolean): void => {
    if (input.isTTY === true && typeof input.setRawMode === 'function') input.setRawMode(on);
  };
  /** A secret answer given up by Ctrl+C / Ctrl+D before Enter: its typed part still waits in readline's buffer. */
  let abandoned = false;
  const endSecret = (): void => {
    secret = false;
    input.removeListener('data', onSecretData);
    raw(false);
  };
  // Raw mode: Ctrl+C raises no SIGINT and Ctrl+D ends nothing, and readline holds both until Enter; give up at once.
  function onSecretData(chunk: string | Buffer): void {
    if (!secret) return;
    const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    if (!text.includes('\u0003') && !text.includes('\u0004')) return;
    endSecret();
    asking = null;
    abandoned = true;
    output.write('\n');
    handler(null);
  }
  rl.on('line', (line) => {
    asking = null;
    if (abandoned) {
      // Drop what was typed at the given-up secret question (up to its Ctrl+C / Ctrl+D).
      abandoned = false;
      line = line.slice(Math.max(line.lastIndexOf('\u0003'), line.lastIndexOf('\u0004')) + 1);
    }
    if (!secret) return handler(line);
    endSecret();
    // Raw mode swallowed the Enter's echo: end the question's line ourselves.
    output.write('\n');
    handler(secretLine(line));
  });
  rl.on('close', () => {
    if (ended) return;
    ended = true;
    if (secret) endSecret();
    handler(null);
  });
  return {
    say(lines) {
      if (lines.length === 0) return;
      const text = lines.map((l) => `${l}\n`).join('');
      // An event while a question waits for its answer: the lines go below it, and the question is asked again.
      output.write(asking === null ? text : `\n${text}${asking}`);
    },
    ask(question, isSecret) {
      asking = question;
      output.write(question);
      input.removeListener('data', onSecretData);
      if (isSecret) input.on('data', onSecretData);
      secret = isSecret;
      if (isSecret) raw(true);
    },
    onLine(h) {
      handler = h;
    },
    close() {
      ended = true;
      if (secret) endSecret();
      rl.close();
    },
  };
}
