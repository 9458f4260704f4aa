// Typed data access over an open, migrated profile database: one object per table family (db-*.ts), all writing
// through the one DbCore this class owns (db-core.ts: the only place a transaction starts).
//
// Durability rules (each is a test in test/profile/):
//  1. A received message counts only once its row is committed: `insertMessage` returns after COMMIT (WAL,
//     synchronous=FULL), and only then may the caller acknowledge it to the peer.
//  2. `markAck` commits before it returns, so the UI never shows "acknowledged" for something a crash forgets.
//  3. A message we send is in the outbox before it goes on the wire: `queueOutgoing` commits the message row and
//     its outbox row in one transaction; the sender reads `outboxDue` and removes an entry only once it is acked.
// Every write maps a disk-full or I/O failure to a StorageError ('profile.disk-full', …) and leaves the
// transaction rolled back.
//
// The methods below are the engine's surface, each handing on to its family with the same arguments (documented
// there); new code may use the families directly (`db.outbox`, `db.groups`, …).

import { DbCore } from './db-core.js';
import { Conversations } from './db-conversations.js';
import { GroupPosts } from './db-group-posts.js';
import { Groups } from './db-groups.js';
import { OwnIdentity } from './db-identity.js';
import { Messages } from './db-messages.js';
import { Outbox } from './db-outbox.js';
import { Servers } from './db-servers.js';
import { Settings } from './db-settings.js';
import type { Db } from './sqlcipher.js';

export type { Authorization, Conversation, ConversationId, ConversationKind } from './db-conversations.js';
export type { Gap, Group, GroupServer, GroupServerState } from './db-groups.js';
export type { Identity } from './db-identity.js';
export type { AckState, Direction, InsertResult, Message, MessageId, NewMessage } from './db-messages.js';
export type { OutboxEntry } from './db-outbox.js';
export type { Server, Token } from './db-servers.js';

export class ProfileDb {
  /** The profile's identity and public attributes. */
  readonly own: OwnIdentity;
  readonly conversations: Conversations;
  /** Messages, and a group's chain of them. */
  readonly messages: Messages;
  readonly outbox: Outbox;
  readonly settings: Settings;
  /** Group posts not yet echoed: the servers each waits for, and its signed EGM setting. */
  readonly posts: GroupPosts;
  /** Groups, the servers each lives on, and the gaps in their timelines. */
  readonly groups: Groups;
  /** Imported servers and their tokens. */
  readonly servers: Servers;

  constructor(db: Db) {
    const core = new DbCore(db);
    this.own = new OwnIdentity(core);
    this.conversations = new Conversations(core);
    this.messages = new Messages(core);
    this.outbox = new Outbox(core, this.messages);
    this.settings = new Settings(core);
    this.posts = new GroupPosts(core, this.settings, this.outbox);
    this.groups = new Groups(core, this.settings, this.posts);
    this.servers = new Servers(core);
  }

  // ---- identity and attributes ----
  identity(...a: Parameters<OwnIdentity['identity']>) { return this.own.identity(...a); }
  getAttribute(...a: Parameters<OwnIdentity['getAttribute']>) { return this.own.getAttribute(...a); }

  // ---- conversations ----
  createConversation(...a: Parameters<Conversations['create']>) { return this.conversations.create(...a); }
  getConversation(...a: Parameters<Conversations['get']>) { return this.conversations.get(...a); }
  findConversation(...a: Parameters<Conversations['find']>) { return this.conversations.find(...a); }
  listConversations(...a: Parameters<Conversations['list']>) { return this.conversations.list(...a); }
  updateConversation(...a: Parameters<Conversations['update']>) { return this.conversations.update(...a); }
  setLocalName(...a: Parameters<Conversations['setLocalName']>) { return this.conversations.setLocalName(...a); }
  setMuted(...a: Parameters<Conversations['setMuted']>) { return this.conversations.setMuted(...a); }
  setVerified(...a: Parameters<Conversations['setVerified']>) { return this.conversations.setVerified(...a); }
  markRead(...a: Parameters<Conversations['markRead']>) { return this.conversations.markRead(...a); }

  // ---- messages ----
  insertMessage(...a: Parameters<Messages['insert']>) { return this.messages.insert(...a); }
  getMessage(...a: Parameters<Messages['get']>) { return this.messages.get(...a); }
  findMessageByProtocolId(...a: Parameters<Messages['findByProtocolId']>) { return this.messages.findByProtocolId(...a); }
  messagesPage(...a: Parameters<Messages['page']>) { return this.messages.page(...a); }
  groupChainBack(...a: Parameters<Messages['groupChainBack']>) { return this.messages.groupChainBack(...a); }
  fillGroupCiphertext(...a: Parameters<Messages['fillGroupCiphertext']>) { return this.messages.fillGroupCiphertext(...a); }
  groupSenders(...a: Parameters<Messages['groupSenders']>) { return this.messages.groupSenders(...a); }
  groupTimelineRows(...a: Parameters<Messages['groupTimelineRows']>) { return this.messages.groupTimelineRows(...a); }

  // ---- outbox ----
  queueOutgoing(...a: Parameters<Outbox['queue']>) { return this.outbox.queue(...a); }
  outboxDue(...a: Parameters<Outbox['due']>) { return this.outbox.due(...a); }
  markAck(...a: Parameters<Outbox['markAck']>) { return this.outbox.markAck(...a); }

  // ---- group posts ----
  queueGroupPost(...a: Parameters<GroupPosts['queue']>) { return this.posts.queue(...a); }
  groupPostEchoed(...a: Parameters<GroupPosts['echoed']>) { return this.posts.echoed(...a); }
  pendingGroupPosts(...a: Parameters<GroupPosts['pending']>) { return this.posts.pending(...a); }
  pendingGroupPostCount(...a: Parameters<GroupPosts['pendingCount']>) { return this.posts.pendingCount(...a); }
  isGroupPostPending(...a: Parameters<GroupPosts['isPending']>) { return this.posts.isPending(...a); }
  deleteOrphanedPendingPosts(...a: Parameters<GroupPosts['deleteOrphans']>) { return this.posts.deleteOrphans(...a); }

  // ---- groups, their servers and gaps ----
  addGroup(...a: Parameters<Groups['add']>) { return this.groups.add(...a); }
  getGroup(...a: Parameters<Groups['get']>) { return this.groups.get(...a); }
  findGroup(...a: Parameters<Groups['find']>) { return this.groups.find(...a); }
  listGroups(...a: Parameters<Groups['list']>) { return this.groups.list(...a); }
  deleteGroup(...a: Parameters<Groups['delete']>) { return this.groups.delete(...a); }
  groupServers(...a: Parameters<Groups['servers']>) { return this.groups.servers(...a); }
  addGroupServer(...a: Parameters<Groups['addServer']>) { return this.groups.addServer(...a); }
  setGroupServerLeaving(...a: Parameters<Groups['setServerLeaving']>) { return this.groups.setServerLeaving(...a); }
  removeGroupServer(...a: Parameters<Groups['removeServer']>) { return this.groups.removeServer(...a); }
  setServerCommit(...a: Parameters<Groups['setServerCommit']>) { return this.groups.setServerCommit(...a); }
  setServerSyncedAt(...a: Parameters<Groups['setServerSyncedAt']>) { return this.groups.setServerSyncedAt(...a); }
  addGap(...a: Parameters<Groups['addGap']>) { return this.groups.addGap(...a); }
  gaps(...a: Parameters<Groups['gaps']>) { return this.groups.gaps(...a); }

  // ---- servers and tokens ----
  importServer(...a: Parameters<Servers['import']>) { return this.servers.import(...a); }
  getServer(...a: Parameters<Servers['get']>) { return this.servers.get(...a); }
  listServers(...a: Parameters<Servers['list']>) { return this.servers.list(...a); }
  addTokens(...a: Parameters<Servers['addTokens']>) { return this.servers.addTokens(...a); }
  takeToken(...a: Parameters<Servers['takeToken']>) { return this.servers.takeToken(...a); }
  unspentTokens(...a: Parameters<Servers['unspentTokens']>) { return this.servers.unspentTokens(...a); }

  // ---- secret settings ----
  getSetting(...a: Parameters<Settings['get']>) { return this.settings.get(...a); }
  setSetting(...a: Parameters<Settings['set']>) { return this.settings.set(...a); }
  deleteSetting(...a: Parameters<Settings['delete']>) { return this.settings.delete(...a); }
}
