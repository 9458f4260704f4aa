// Full TUIs on REAL engines that a test can close and open again on the same home (a restart): each side is an
// engine on the local network, a ui-store and the App in an in-memory terminal.

import { act } from 'react';
import { App } from '../../../src/ui/App.js';
import { createUiStore, type UiStore } from '../../../src/ui/view-model/ui-store.js';
import { renderTerminal, type TestTerminal } from './render.js';
import { ActGate, realPeer, type RealPeer } from './real-engine.js';

export interface Side {
  readonly peer: RealPeer;
  readonly store: UiStore;
  readonly term: TestTerminal;
}

/** Sides in `where()`'s folder and network, `size` cells; `closeAll` in afterAll. */
export function realSides(where: () => { readonly root: string; readonly net: string }, size: { columns: number; rows: number }) {
  const open: Side[] = [];
  const close = async (s: Side): Promise<void> => {
    const i = open.indexOf(s);
    if (i < 0) return;
    open.splice(i, 1);
    await act(async () => s.term.unmount());
    s.store.dispose();
    await s.peer.close();
  };
  return {
    /** A side for `name` (the same name again: the same home, a restart). */
    async open(name: string): Promise<Side> {
      const { root, net } = where();
      const peer = realPeer(root, net, name);
      const store = createUiStore(new ActGate(peer.engine));
      peer.reportStatus();
      const term = await renderTerminal(<App store={store} noColor onQuit={() => {}} />, size);
      const s = { peer, store, term };
      open.push(s);
      return s;
    },
    close,
    async closeAll(): Promise<void> {
      for (const s of [...open]) await close(s);
    },
  };
}
