// The raw sequence of the keypress useInput is about to report. Ink reports Backspace (0x7f) and Delete (ESC[3~)
// both as `key.delete`; the raw bytes tell them apart. Ink emits one 'input' event per parsed keypress on its
// stdin emitter, and this listener is added once (before useInput's, which re-subscribes every render), so the
// ref always holds the sequence of the keypress being handled. That emitter is private to Ink (useStdin's
// internal_eventEmitter): it is used only when the gate (gate.ts) is open. When it is closed the ref stays empty
// and keys are what Ink's public useInput says they are (Delete then acts as Backspace).

import { useStdin } from 'ink';
import { useEffect, useRef, type RefObject } from 'react';
import { inkGate } from './gate.js';

/** Sequences terminals send for the Delete key (VT220 and rxvt/xterm variants with modifiers). */
export function isDeleteForward(raw: string): boolean {
  return raw.startsWith('\u001b[3') && /^\[3(;\d+)?[~$^]$/.test(raw.slice(1));
}

export function useRawKeys(): RefObject<string> {
  const stdin = useStdin() as ReturnType<typeof useStdin> & { internal_eventEmitter?: NodeJS.EventEmitter };
  const emitter = inkGate().open ? stdin.internal_eventEmitter : undefined;
  const last = useRef('');
  useEffect(() => {
    if (emitter === undefined) return;
    const onInput = (data: string): void => {
      last.current = data;
    };
    emitter.prependListener('input', onInput);
    return () => {
      emitter.removeListener('input', onInput);
    };
  }, [emitter]);
  return last;
}
