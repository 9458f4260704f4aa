// `leave-group`: the group's key, messages, gaps, pending posts and sync state are deleted in one commit; from
// then on its messages on the server no longer open with any key we hold. The server stays imported with its
// tokens; its sync stops when no other group of ours uses it.

import { DROPPED_PREFIX, FORKED_PREFIX, MOVE_PREFIX, PENDING_POST_PREFIX, type GroupsContext } from './group-context.js';
import type { GroupReceive } from './group-receive.js';
import type { GroupSyncs } from './group-sync.js';
import { withId } from './deps.js';

export async function leaveGroup(ctx: GroupsContext, rx: GroupReceive, syncs: GroupSyncs, groupId: string, id?: string): Promise<void> {
  const g = ctx.group(groupId);
  // Every pending-post setting without an outbox row goes in the same commit (this group's outbox rows are
  // deleted with it; an older version's crash may have left settings that no row names).
  ctx.db.deleteGroup(g.conversation, [FORKED_PREFIX + g.groupId, DROPPED_PREFIX + g.groupId, MOVE_PREFIX + g.groupId], { pendingPostPrefix: PENDING_POST_PREFIX });
  ctx.forgetTimeline(g.conversation);
  ctx.forgetKeys();
  syncs.forgetGroup(g.conversation);
  rx.forgetGroup(g.conversation);
  await syncs.stopUnusedSyncs();
  ctx.emit({ ...withId(id), event: 'group-left', groupId: g.groupId });
}
