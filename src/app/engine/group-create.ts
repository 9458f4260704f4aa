// Servers and groups come in: a server imported by TOFU (`add` of its bundle), a group created on one, a group
// joined from an invite (a tofubundle imports its server first), and the invite text we send for a group.

import { decodeOnion, type OnionAddress } from '../../core/crypto/onion.js';
import { UsageError } from '../../core/errors.js';
import { KEY_BULLETIN_BOARD, KEY_PRIVACY_PASS, KEY_TOKEN_SERVICE, serverBundleJson, serverBundleString, type ServerBundle } from '../../core/groups/bundle.js';
import { groupIdFor, inviteCreated, type GroupInvite } from '../../core/groups/invite.js';
import { decodePaste } from '../../core/paste.js';
import { withId } from './deps.js';
import type { GroupsContext } from './group-context.js';
import type { GroupSyncs } from './group-sync.js';

export class GroupCreation {
  constructor(
    private readonly ctx: GroupsContext,
    private readonly syncs: GroupSyncs,
  ) {}

  /** `add` of a server bundle: TOFU import. */
  importServer(b: ServerBundle, id?: string): void {
    const imported = this.ctx.db.importServer({
      onion: b.server,
      bundle: serverBundleJson(b),
      keyBulletinBoard: b.keys.get(KEY_BULLETIN_BOARD) ?? '',
      keyTokenService: b.keys.get(KEY_TOKEN_SERVICE) ?? '',
      keyPrivacyPass: b.keys.get(KEY_PRIVACY_PASS) ?? '',
      importedAt: this.ctx.deps.clock.now(),
    });
    this.ctx.emit({ ...withId(id), event: 'server', onion: b.server, imported, bundle: serverBundleString(b) });
  }

  /** `add` of an invite: a tofubundle imports its server first; a bare invite needs the server imported already. */
  join(text: string, id?: string): void {
    const { ctx } = this;
    const p = decodePaste(ctx.deps.backend, ctx.deps.pbkdf2, text);
    if (!p.ok) throw new UsageError(p.error.code, p.error.reason);
    let invite: GroupInvite;
    if (p.value.kind === 'tofubundle') {
      this.importServer(p.value.bundle, id);
      invite = p.value.invite;
    } else if (p.value.kind === 'invite') {
      invite = p.value.invite;
      if (ctx.db.getServer(invite.serverHost) === null) throw new UsageError('group.server-unknown', 'import the group server first (paste its "server:" bundle), or ask for a full invite');
    } else {
      throw new UsageError('group.not-invite', 'that is not a group invite');
    }
    let g = ctx.db.findGroup(invite.groupId);
    const isNew = g === null;
    if (g === null) {
      // The invite's creation time (ours carry one) lets the first sync skip what came before the group.
      g = ctx.db.addGroup({
        groupId: invite.groupId,
        groupKey: invite.sharedKey,
        server: invite.serverHost,
        name: invite.groupName,
        createdAt: invite.created === undefined ? null : invite.created * 1000,
      });
      ctx.forgetKeys();
    }
    ctx.timeline(g);
    ctx.announce(g, id);
    // A joined group needs its history: a connection already open replays from another group's last commit, so
    // connect again (the replay then starts from scratch, see lastCommit).
    if (isNew && this.syncs.has(g.server)) void this.syncs.reconnect(g.server);
    else this.syncs.syncFor(g.server);
  }

  /** A server given as the onion of an imported server or as its "server:" bundle (imported then). */
  resolveServer(serverText: string, id?: string): string {
    let server: string;
    const d = decodeOnion(serverText);
    if (d.ok) server = d.value.onion;
    else {
      const p = decodePaste(this.ctx.deps.backend, this.ctx.deps.pbkdf2, serverText);
      if (!p.ok || p.value.kind !== 'server') throw new UsageError('group.server', 'give the server as its "server:" bundle or the onion of an imported server');
      this.importServer(p.value.bundle, id);
      server = p.value.bundle.server;
    }
    if (this.ctx.db.getServer(server) === null) throw new UsageError('group.server-unknown', 'that server is not imported: paste its "server:" bundle first');
    return server;
  }

  createGroup(serverText: string, name: string, id?: string): string {
    const { ctx } = this;
    const server = this.resolveServer(serverText, id);
    const key = ctx.deps.random.bytes(32);
    const groupId = groupIdFor(ctx.deps.pbkdf2, key, server as OnionAddress);
    // A new group has no history: replay from where the server's other groups are, not from scratch.
    const sibling = ctx.db.groupServers().find((x) => x.server === server && x.lastSeenSignature !== null);
    const g = ctx.db.addGroup({
      groupId,
      groupKey: key,
      server,
      name,
      lastSeenSignature: sibling?.lastSeenSignature ?? null,
      createdAt: inviteCreated(ctx.deps.clock.now()) * 1000,
    });
    ctx.forgetKeys();
    ctx.timeline(g);
    ctx.announce(g, id);
    this.syncs.syncFor(server);
    return g.groupId;
  }

  /** The tofubundle text that invites someone to `groupId` (sent by the caller as overlay 101). */
  inviteText(groupId: string): string {
    const g = this.ctx.group(groupId);
    return this.ctx.inviteFor(g);
  }
}
