// Real engines for UI tests: wired exactly as src/app/main.ts wires them (sodium-native, node PBKDF2, the
// system clock and randomness, a local network on 127.0.0.1), each in its own temporary home.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { act } from 'react';
import { vi } from 'vitest';
import { Engine } from '../../../src/app/engine/engine.js';
import { nodePbkdf2, nodeRandom, systemClock } from '../../../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../../../src/app/platform/sodium-native-backend.js';
import type { EngineCommand } from '../../../src/core/api/commands.js';
import type { EngineApi } from '../../../src/core/api/engine.js';
import type { EngineEvent } from '../../../src/core/api/events.js';
import type { Acn } from '../../../src/core/net/acn.js';
import { localAcn } from '../../../src/tor/local-acn.js';

export interface RealPeer {
  readonly engine: Engine;
  readonly acn: Acn;
  readonly home: string;
  /** Start forwarding network status as main.ts does; call after the UI store subscribed (the local network reports ready at once). */
  reportStatus(): void;
  close(): Promise<void>;
}

/** A scratch folder holding one local network and the peers' homes; `dispose` removes it. */
export function scratch(prefix: string): { readonly root: string; readonly net: string; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return { root, net: join(root, 'net'), dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** An Engine on the local network in `net`, home under `root/name`; network status reaches it like main.ts sends it. */
export function realPeer(root: string, net: string, name: string): RealPeer {
  const acn = localAcn(net);
  const home = join(root, name);
  const engine = new Engine({ backend: sodiumNativeBackend, pbkdf2: nodePbkdf2, random: nodeRandom, clock: systemClock, acn, home, log: () => {} });
  return {
    engine,
    acn,
    home,
    reportStatus: () => acn.setStatusCallback((s) => engine.emit({ event: 'tor', state: s.state, progress: s.progress, summary: s.summary })),
    close: async () => {
      await engine.close();
      await acn.close();
    },
  };
}

/**
 * The real engine's events, unchanged and in order, but handed to the UI only inside act() (they come from
 * sockets at any moment; React wants every state change inside act in tests). Commands pass straight through.
 */
export class ActGate implements EngineApi {
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private buffered: EngineEvent[] = [];
  private static readonly all = new Set<ActGate>();
  constructor(private readonly inner: EngineApi) {
    inner.subscribe((e) => void this.buffered.push(e));
    ActGate.all.add(this);
  }
  subscribe(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  command(c: EngineCommand): void {
    this.inner.command(c);
  }
  /** Deliver everything buffered so far (call inside act). */
  flush(): void {
    const events = this.buffered;
    this.buffered = [];
    for (const e of events) for (const l of this.listeners) l(e);
  }
  static flushAll(): void {
    for (const g of ActGate.all) g.flush();
  }
  dispose(): void {
    ActGate.all.delete(this);
  }
}

/**
 * vi.waitFor on a frame check, letting React commit whatever the engines' events scheduled in between (they
 * arrive from sockets, outside any act()). Polls every 50 ms; never a fixed sleep before asserting.
 */
export async function settle(check: () => void, timeout = 20_000): Promise<void> {
  await vi.waitFor(
    async () => {
      await act(async () => {
        ActGate.flushAll();
      });
      check();
    },
    { timeout, interval: 50 },
  );
}
