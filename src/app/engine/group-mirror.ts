// A group on several servers, and a group forked. `mirror` adds a server, `move-group` adds one and retires the
// old once the members have followed (docs/protocol.md §12.6); the members hear of both from the group-servers
// notices (group-servers.ts), wired here to this profile's groups. `fork-group` makes a fresh group and leaves the
// old one read-only with a pointer.

import { utf8 } from '../../core/bytes.js';
import { UsageError } from '../../core/errors.js';
import { decodeServerBundleJson } from '../../core/groups/bundle.js';
import { GROUP_MAX_SERVERS } from '../../core/limits.js';
import type { Group } from '../../profile/profile-db.js';
import { DROPPED_PREFIX, FORKED_PREFIX, MOVE_PREFIX, PENDING_POST_PREFIX, type GroupPeers, type GroupsContext } from './group-context.js';
import type { GroupCreation } from './group-create.js';
import { encodeJsonSetting, GroupServerNotices, type NoticeGroup } from './group-servers.js';
import type { GroupSyncs } from './group-sync.js';

export class GroupMirrors {
  /** Which servers each group lives on, told member to member (docs/protocol.md §12.6): mirrors and moves. */
  readonly notices: GroupServerNotices;

  constructor(
    private readonly ctx: GroupsContext,
    private readonly syncs: GroupSyncs,
    private readonly creation: GroupCreation,
    peers: GroupPeers,
  ) {
    const { deps, db } = ctx;
    let noticeCache: { list: readonly Group[]; out: NoticeGroup[] } | null = null;
    this.notices = new GroupServerNotices({
      backend: deps.backend,
      random: deps.random,
      log: deps.log,
      groups: () => {
        const list = db.listGroups().filter((g) => ctx.forkedTo(g) === null);
        if (noticeCache === null || noticeCache.list.length !== list.length || noticeCache.list.some((g, i) => g.conversation !== list[i]!.conversation)) {
          noticeCache = { list, out: list.map((g) => ({ conversation: g.conversation, groupId: g.groupId, key: g.groupKey, server: g.server })) };
        }
        return noticeCache.out;
      },
      servers: (conv) => db.groupServers(conv),
      bundle: (server) => {
        const row = db.getServer(server);
        const b = row === null ? null : decodeServerBundleJson(deps.backend, utf8(row.bundle));
        return b?.ok ? b.value : null;
      },
      dropped: (conv) => ctx.dropped(conv),
      move: (conv) => ctx.moveOf(conv),
      setMove: (conv, m) => {
        const g = db.getGroup(conv);
        if (g === null) return;
        if (m === null) db.deleteSetting(MOVE_PREFIX + g.groupId);
        else db.setSetting(MOVE_PREFIX + g.groupId, encodeJsonSetting(m));
      },
      members: (conv) => ctx.members(conv),
      session: (onion) => peers.session(onion),
      isApproved: peers.isApproved,
      adopt: (conv, b) => {
        const g = db.getGroup(conv);
        if (g === null || db.groupServers(conv).length >= GROUP_MAX_SERVERS) return false;
        try {
          this.creation.importServer(b);
        } catch {
          return false; // TOFU: a server we know with other keys is refused, not replaced
        }
        this.addServer(g, b.server);
        return true;
      },
      retire: (conv, server) => {
        const g = db.getGroup(conv);
        if (g !== null) this.retireServer(g, server);
      },
      changed: (conv) => {
        const g = db.getGroup(conv);
        if (g !== null) ctx.emit(ctx.groupEvent(g));
      },
    });
  }

  /**
   * `mirror`: the group lives on `serverText` too (docs/protocol.md §12.6). From now on our posts go to every
   * active server of the group, each server is synced from its own commit, and a message is stored once whichever
   * server brings it. Returns the server's onion. The members hear of it from `GroupServersNotices`.
   */
  mirror(groupId: string, serverText: string, id?: string): string {
    const { ctx } = this;
    const g = ctx.group(groupId);
    if (ctx.forkedTo(g) !== null) throw new UsageError('group.read-only', 'this group was forked and is read-only: mirror the new group');
    const server = this.creation.resolveServer(serverText, id);
    const servers = ctx.db.groupServers(g.conversation);
    if (servers.some((x) => x.server === server && x.state === 'active')) throw new UsageError('group.mirror-exists', 'the group is on that server already');
    if (servers.filter((x) => x.server !== server).length >= GROUP_MAX_SERVERS) throw new UsageError('group.too-many-servers', `a group lives on at most ${GROUP_MAX_SERVERS} servers`);
    this.undrop(g, server);
    this.addServer(g, server);
    ctx.announce(ctx.group(groupId), id);
    this.notices.broadcast(g.conversation);
    return server;
  }

  /**
   * `move-group`: the group goes to `serverText` (same key, same members). It is mirrored there at once; the
   * server it moves from stays until every member we know of has said (in its notice) that it dropped it, then it
   * is synced once more and dropped. Members follow when they get our notice (docs/protocol.md §12.6).
   */
  move(groupId: string, serverText: string, id?: string): void {
    const { ctx } = this;
    const g = ctx.group(groupId);
    if (ctx.forkedTo(g) !== null) throw new UsageError('group.read-only', 'this group was forked and is read-only: move the new group');
    if (ctx.moveOf(g.conversation) !== null) throw new UsageError('group.moving', 'this group is moving already; wait for its members');
    const to = this.creation.resolveServer(serverText, id);
    const from = ctx.activeServers(g).find((x) => x !== to);
    if (from === undefined) throw new UsageError('group.mirror-exists', 'the group is on that server already');
    if (!ctx.activeServers(g).includes(to)) {
      if (ctx.db.groupServers(g.conversation).length >= GROUP_MAX_SERVERS) throw new UsageError('group.too-many-servers', `a group lives on at most ${GROUP_MAX_SERVERS} servers`);
      this.undrop(g, to);
      this.addServer(g, to);
    }
    if (id !== undefined) ctx.emit({ id, event: 'ok', cmd: 'move-group' });
    this.notices.startMove(g.conversation, from, to);
  }

  /** Going back to a server we dropped is the user's choice (mirror, move): it is no longer listed as dropped. */
  private undrop(g: Group, server: string): void {
    const dropped = this.ctx.dropped(g.conversation);
    if (dropped.includes(server)) this.ctx.db.setSetting(DROPPED_PREFIX + g.groupId, encodeJsonSetting(dropped.filter((x) => x !== server)));
  }

  /** Adds a server to a group (the replay from it starts from scratch, or from the server's other groups' commit). */
  private addServer(g: Group, server: string): void {
    // No commit: the server may hold the group's messages already (a member mirrored it first), and a replay from
    // its other groups' commit would skip them. Its next replay starts from scratch, once.
    if (!this.ctx.db.addGroupServer(g.conversation, server, this.ctx.deps.clock.now(), null)) return;
    this.ctx.forgetKeys();
    if (this.syncs.has(server)) void this.syncs.reconnect(server);
    else this.syncs.syncFor(server);
  }

  /** A server stops taking the group's posts; it is synced once more, then removed (see GroupSyncs `synced`). */
  private retireServer(g: Group, server: string): void {
    const { db } = this.ctx;
    const servers = db.groupServers(g.conversation);
    if (!servers.some((x) => x.server === server && x.state === 'active')) return;
    // Never the last server: a group with nowhere to post is lost.
    if (!servers.some((x) => x.server !== server && x.state === 'active')) return;
    db.setGroupServerLeaving(g.conversation, server, PENDING_POST_PREFIX);
    const dropped = this.ctx.dropped(g.conversation);
    if (!dropped.includes(server)) db.setSetting(DROPPED_PREFIX + g.groupId, encodeJsonSetting([...dropped, server]));
    const s = this.syncs.get(server);
    if (s === undefined || !s.connected) this.syncs.syncFor(server).kick();
    else void this.syncs.reconnect(server);
  }

  /** See ProfileRuntime.forkGroup. Returns the members to invite and the new group's id. */
  fork(groupId: string, serverText: string | undefined, id?: string): { members: string[]; newGroupId: string } {
    const { ctx } = this;
    const old = ctx.group(groupId);
    if (ctx.forkedTo(old) !== null) throw new UsageError('group.forked', 'this group was forked already: fork the new one');
    const newGroupId = this.creation.createGroup(serverText ?? old.server, old.localName ?? old.name, id);
    ctx.db.setSetting(FORKED_PREFIX + old.groupId, utf8(newGroupId));
    ctx.emit(ctx.groupEvent(ctx.group(groupId)));
    return { members: ctx.members(old.conversation), newGroupId };
  }
}
