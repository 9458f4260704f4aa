// A conversation's stored messages reach the screen: the newest page is read from the profile when it first opens
// (after a restart the view model starts empty), and when older messages are read in above the ones shown (PgUp
// reads ahead: main-keys.ts) the scroll anchor moves with them, so the message on screen stays on screen.

import { useEffect, useLayoutEffect, useRef, type MutableRefObject } from 'react';
import type { LocalState } from '../controller/local-state.js';
import type { UiState } from '../view-model/state.js';
import type { LocalEvent } from '../view-model/ui-store.js';

export function useHistory(state: UiState, localRef: MutableRefObject<LocalState>, selected: string | undefined, setLocal: (l: LocalState) => void, onLocal: (e: LocalEvent) => void): void {
  useEffect(() => {
    if (selected !== undefined) onLocal({ local: 'opened', id: selected });
  }, [selected, onLocal]);

  const store = selected === undefined ? undefined : state.messages.get(selected);
  const firstId = store?.at(0)?.messageId;
  const seen = useRef<{ readonly conversation: string; readonly first: string } | undefined>(undefined);
  // Before the frame is drawn: a frame with the old anchor over the new messages would jump for one frame.
  useLayoutEffect(() => {
    const prev = seen.current;
    seen.current = selected !== undefined && firstId !== undefined ? { conversation: selected, first: firstId } : undefined;
    if (store === undefined || selected === undefined || prev === undefined || prev.conversation !== selected || prev.first === firstId) return;
    const l = localRef.current;
    const anchor = l.anchors.get(selected);
    const moved = store.positionOf(prev.first);
    if (anchor === undefined || moved === undefined || moved === 0) return;
    const anchors = new Map(l.anchors);
    anchors.set(selected, anchor + moved);
    setLocal({ ...l, anchors });
  }, [store, selected, firstId, localRef, setLocal]);
}
