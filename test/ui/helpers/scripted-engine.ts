// TEST DOUBLE: a scripted EngineApi for driving the UI without the real engine (which lives in src/app
// and gets its own end-to-end UI test). It records every command and emits whatever events the test
// scripts, optionally answering commands through `respond`.

import type { EngineCommand } from '../../../src/core/api/commands.js';
import type { EngineApi } from '../../../src/core/api/engine.js';
import type { EngineEvent } from '../../../src/core/api/events.js';

export class ScriptedEngine implements EngineApi {
  /** What the user asked for (every command but the history reads). */
  readonly commands: EngineCommand[] = [];
  /**
   * The history the UI reads on its own (a conversation opened, PgUp near the oldest message read), kept apart from
   * `commands`; answered with an empty page, as the real engine answers a conversation with nothing stored.
   */
  readonly reads: Extract<EngineCommand, { cmd: 'history' }>[] = [];
  private readonly listeners = new Set<(e: EngineEvent) => void>();

  /** Optional scripted answers: return the events the "engine" emits for a command. */
  constructor(private readonly respond: (c: EngineCommand) => readonly EngineEvent[] = () => []) {}

  subscribe(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Recorded without the id the UI gives each command (a correlation detail, not what the user asked); like the
   * real engine, the scripted answers echo it.
   */
  command(c: EngineCommand): void {
    const { id, ...asked } = c;
    if (asked.cmd === 'history') {
      this.reads.push(asked);
      const scripted = this.respond(asked as EngineCommand);
      const answer = scripted.length > 0 ? scripted : [{ event: 'history' as const, conversation: asked.conversation, messages: [] }];
      for (const e of answer) this.emit(id !== undefined && e.id === undefined ? { ...e, id } : e);
      return;
    }
    this.commands.push(asked as EngineCommand);
    for (const e of this.respond(asked as EngineCommand)) this.emit(id !== undefined && e.id === undefined ? { ...e, id } : e);
  }

  emit(e: EngineEvent): void {
    for (const l of this.listeners) l(e);
  }
}
