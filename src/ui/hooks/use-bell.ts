// The terminal bell for a message that arrives somewhere the user is not looking: only with the bell setting on,
// never for a muted conversation or the open one, and at most once per UI_BELL_MIN_INTERVAL_MS.

import { useEffect, useRef } from 'react';
import { UI_BELL_MIN_INTERVAL_MS } from '../../core/limits.js';
import { shouldRing } from '../view-model/state.js';
import type { UiState } from '../view-model/state.js';

export function useBell(state: UiState, selected: string | undefined, onBell: (() => void) | undefined): void {
  // Messages that came before this screen was drawn were not news to ring for.
  const seen = useRef(state.arrival?.seq ?? 0);
  const lastRang = useRef(-Infinity);
  const arrival = state.arrival;
  useEffect(() => {
    if (arrival === undefined || arrival.seq === seen.current) return;
    seen.current = arrival.seq;
    if (onBell === undefined || !shouldRing(state, arrival.conversation, selected)) return;
    const now = Date.now();
    if (now - lastRang.current < UI_BELL_MIN_INTERVAL_MS) return;
    lastRang.current = now;
    onBell();
    // Only a new arrival is a reason to ring; the rest is read as it is then.
  }, [arrival]);
}
