/**
 * Headless mode: `cwtch-tui headless` reads one JSON command per line on stdin and writes one JSON event per
 * line on stdout (one `JSON.stringify` per event). Logs go to stderr. Text fields are NOT sanitised here — they
 * are JSON-escaped, and the consumer decides how to show them. Every command may carry `"id"` (string or
 * number); the events that answer it echo it as a string. A malformed line gets an `error` event and the
 * process goes on; a line longer than 256 KiB is refused (`command.too-long`) without being buffered. End of
 * input, `quit`, SIGINT, SIGTERM and SIGHUP stop the process cleanly (connections closed, databases closed).
 *
 * Commands (→ the events they produce):
 *
 * | command | fields | events |
 * |---|---|---|
 * | `create-profile` | `name`, `password` ("" = Cwtch's default password) | `profile`, then `contact`/`peer-state` per contact |
 * | `unlock` | `password` | `profile`, `contact`, `peer-state` for the profile now active; `error` `profile.wrong-password` when it opens nothing |
 * | `add` | `text`: an onion, a server bundle or a group invite | onion → `contact` (approved), then `peer-state`; bundle → `server` (`imported` false when already known); a bundle with changed keys → `error` `profile.server-keys-changed`; a group invite (`tofubundle:…` imports its server first; a bare `torv3…` needs the server imported) → `server`, then `group`; a forged invite → `error` `invite.group-id-mismatch` |
 * | `accept` | `onion` | `contact` (approved); queued messages are sent |
 * | `block` | `onion` | `contact` (blocked); its connections close, its messages are never stored |
 * | `block-unknown` | `on` | `ok`; with it on, peers that are not approved contacts are disconnected right after auth |
 * | `send` | `to` (onion or group id), `text` | `message` (outgoing, `ack` "pending"), later `sent`, then `ack`, or `failed` with a `reason`; to a group: `message` with `signature`, then `ack` once the server echoes it back |
 * | `history` | `conversation`, `limit`?, `before`? (a messageId) | one `history` event, oldest first |
 * | `create-group` | `server` (a `server:` bundle, or the onion of an imported server), `name` | `server` (when a bundle was given), `group` with `groupId` and `invite` (the `tofubundle:` text to share) |
 * | `invite` | `to` (a contact's onion), `group` (group id) | `message` (overlay 101, the invite text) to that contact, then `sent`/`ack` |
 * | `leave-group` | `group` (group id) | `group-left`; the group's key, messages, gaps and sync state are deleted (one transaction); its server stays imported and stops syncing when no other group uses it; the invite can be accepted again |
 * | `rename` | `conversation` (onion or group id), `name` | `contact` or `group` again with the local name (stored, never sent); `error` `name.empty`, `name.length`, `name.control`, … for a bad name |
 * | `sync` | `server` (onion or a group id), `confirm`? | `ok` once synced; in low-bandwidth mode a replay from scratch, or one past the data budget, first answers `sync-cost` (`messages`, `bytes`; `estimated` true when the server counted it before sending anything; `overBudget` true with `today` and `budget` when the budget is why) and fetches nothing until `sync` again with `confirm` true; a low-bandwidth replay that reaches the budget stops with `error` `sync.over-budget` (what came is kept); `error` `server.unreachable` |
 * | `lowbw` | `on` | `lowbw`; on: servers are disconnected, no background token buying, groups sync only on `sync` or `send`; remembered by the profile (`--low-bandwidth` turns it on at start) |
 * | `data-budget` | `bytesPerDay` (0: none) | `ok`, then the total's `bytes` event with `budget` and `today`; low-bandwidth syncs keep to it (see `sync`); remembered by the profile; `error` `budget.invalid` for a negative or fractional number |
 * | `quit` | — | `ok` with `cmd` "quit", then the process exits 0 |
 *
 * Events that arrive unasked: `profiles` (once at start: `count`, the profiles in the home folder; 0 is a first
 * run), `message` (incoming: `from`, `text`, `time`, `messageId`, `overlay` — 1 text,
 * 10 quoted reply, 100 suggested contact, 101 group invite), `invite` (a validated group invite from a peer),
 * `contact` (a new unknown peer: `authorization` "unknown" — accept or block it), `peer-state`
 * (Disconnected, Connecting, Connected, Authenticated, Failed, Killed), `ack`, `sent`, `failed`, `tor`,
 * `server-state` (per server: Connecting, Authenticated, Synced, Disconnected, Failed), group `message`s (with
 * `signature`; `conversation` is the group id), `gap` (messages missing between `before` and `after`, `cause`
 * withheld or pruned) and `gap-closed`, `bytes` (per `scope` server/contact/total and `key`, cumulative `sent`
 * and `received` since start, at most once a second per key; inbound peer connections count under key "inbound"; the
 * total also has `today`, the local day's bytes across restarts, and `budget`, the data budget, 0 for none).
 * Errors: `{"event":"error","code":"…","message":"…"}`; scripts match on `code`.
 *
 * Example:
 *   → {"cmd":"create-profile","name":"alice","password":"pw","id":1}
 *   ← {"id":"1","event":"profile","onion":"…","name":"alice","defaultPassword":false}
 *   → {"cmd":"send","to":"<onion>","text":"hi","id":"2"}
 *   ← {"id":"2","event":"message","conversation":"<onion>",…,"ack":"pending","overlay":1}
 */

import { decodeCommand, MAX_COMMAND_LINE_BYTES } from '../core/api/commands.js';
import type { EngineApi } from '../core/api/engine.js';
import type { EngineEvent } from '../core/api/events.js';
import { LineReader } from './line-reader.js';

export interface HeadlessIo {
  readonly input: NodeJS.ReadableStream;
  readonly write: (line: string) => void;
}

/**
 * Runs the JSONL loop until input ends or a `quit` command is done. `quit` resolves the returned promise once
 * the engine reports it; end of input sends `quit` itself.
 */
export function runHeadless(engine: EngineApi, io: HeadlessIo): Promise<void> {
  const out = (e: EngineEvent): void => io.write(JSON.stringify(e) + '\n');
  return new Promise<void>((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      unsubscribe();
      io.input.removeListener('data', onData);
      io.input.removeListener('end', onEnd);
      resolve();
    };
    const unsubscribe = engine.subscribe((e) => {
      out(e);
      if (e.event === 'ok' && e.cmd === 'quit') finish();
    });
    const reader = new LineReader(MAX_COMMAND_LINE_BYTES);
    const handle = (events: ReturnType<LineReader['push']>): void => {
      for (const ev of events) {
        if (ev.kind === 'too-long') {
          out({ event: 'error', code: 'command.too-long', message: `a command line may be at most ${MAX_COMMAND_LINE_BYTES} bytes` });
          continue;
        }
        if (ev.text.trim() === '') continue;
        const c = decodeCommand(ev.text);
        if (!c.ok) {
          out({ ...idOf(ev.text), event: 'error', code: c.error.code, message: c.error.reason });
          continue;
        }
        engine.command(c.value);
      }
    };
    const onData = (chunk: Buffer | string): void => handle(reader.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk)));
    const onEnd = (): void => {
      handle(reader.end());
      engine.command({ cmd: 'quit' });
    };
    io.input.on('data', onData);
    io.input.on('end', onEnd);
  });
}

/** Best effort: echo the id of a command that failed to decode, so a script can match the error. */
function idOf(line: string): { id?: string } {
  try {
    const v = JSON.parse(line) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const id = (v as Record<string, unknown>)['id'];
      if (typeof id === 'string' || typeof id === 'number') return { id: String(id).slice(0, 128) };
    }
  } catch {
    // no id to echo
  }
  return {};
}
