// What the UI and the headless mode hold: a way to send commands and a subscription to events.
// The real implementation lives in src/app (the engine); the UI never sees sockets, keys or storage.

import type { EngineCommand } from './commands.js';
import type { EngineEvent } from './events.js';

export interface EngineApi {
  /** Subscribe to every event from now on; returns an unsubscribe function. */
  subscribe(listener: (e: EngineEvent) => void): () => void;
  /** Queue a command; its outcome arrives as events (echoing `id`). Never throws. */
  command(c: EngineCommand): void;
}
