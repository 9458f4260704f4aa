// Every fuzz target, by name. Add a target here when a new trust-boundary decoder lands.

import type { FuzzTarget, InputKind } from '../harness.js';
import { boardPacking } from './board-packing.js';
import { groupRepair } from './group-repair.js';
import { serverNotice } from './server-notice.js';
import { boardMessage, privacyPass, ristretto } from './group-wire.js';
import { authMessage, goJsonTarget, overlay, peerMessage } from './json-decoders.js';
import { groupInvite, onion, paste, serverBundle, tofuBundle } from './paste.js';
import { tapirFrame, tapirPacket } from './tapir.js';
import { command, safeText } from './text-and-commands.js';
import { controlReply, socksReply } from './tor.js';

export const TARGETS: readonly FuzzTarget<InputKind>[] = [
  tapirFrame,
  tapirPacket,
  authMessage,
  peerMessage,
  overlay,
  goJsonTarget,
  serverBundle,
  groupInvite,
  tofuBundle,
  paste,
  onion,
  ristretto,
  privacyPass,
  boardMessage,
  boardPacking,
  groupRepair,
  serverNotice,
  controlReply,
  socksReply,
  command,
  safeText,
] as readonly FuzzTarget<InputKind>[];

export function targetByName(name: string): FuzzTarget<InputKind> | undefined {
  return TARGETS.find((t) => t.name === name);
}
