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
 * terminal; Backspace, Ctrl+U, Ctrl+C and Ctrl+D are then interpreted by secretLine.
 */
export function nodeLinearIo(input: Input, output: NodeJS.WritableStream): LinearIo {
  const rl = createInterface({ input, terminal: false, crlfDelay: Infinity });
  let handler: (line: string | null) => void = () => {};
  let secret = false;
  /** The question on screen still waiting for its answer (its line is not ended yet). */
  let asking: string | null = null;
  let ended = false;
  const raw = (on: boolean): void => {
    if (input.isTTY === true && typeof input.setRawMode === 'function') input.setRawMode(on);
  };
  rl.on('line', (line) => {
    asking = null;
    if (!secret) return handler(line);
    secret = false;
    raw(false);
    // Raw mode swallowed the Enter's echo: end the question's line ourselves.
    output.write('\n');
    handler(secretLine(line));
  });
  rl.on('close', () => {
    if (ended) return;
    ended = true;
    if (secret) raw(false);
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
      secret = isSecret;
      if (isSecret) raw(true);
    },
    onLine(h) {
      handler = h;
    },
    close() {
      ended = true;
      if (secret) raw(false);
      rl.close();
    },
  };
}
