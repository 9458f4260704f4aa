// The engine: the one module that wires core, tor (through the Acn it is given), and profiles, behind the
// EngineApi the TUI and the headless mode share. Commands run one at a time, in order; each outcome is an event
// echoing the command's id.
//
// Several profiles may be open at once (one password can open several; create, unlock and import add more). All stay
// online: they listen, dial their contacts, store and acknowledge messages. Commands act on the ACTIVE profile (the
// one last opened or selected, or the one a command's `profile` names) and only its events are emitted; when one
// becomes active its snapshot (`profile` with its profileId, contacts, groups …) is emitted again, then `profiles`.

import type { EngineCommand } from '../../core/api/commands.js';
import type { EngineApi } from '../../core/api/engine.js';
import type { EngineEvent } from '../../core/api/events.js';
import { CwtchError, StorageError, UsageError } from '../../core/errors.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { exportProfile, importProfile } from '../../profile/archive.js';
import { profilesDir } from '../../profile/paths.js';
import { listProfileIds, ProfileStore, type Profile } from '../../profile/profile-store.js';
import { BYTES_EVENT_INTERVAL_MS } from '../../core/limits.js';
import { ByteMeter } from './byte-meter.js';
import { adoptBudget, DataBudget } from './data-budget.js';
import type { RuntimeDeps } from './deps.js';
import { ProfileRuntime, SETTING_LOW_BANDWIDTH } from './profile-runtime.js';
import type { RepairStats } from './group-repair.js';

/** Commands that are not for one open profile (they open one, or act on all). */
const UNSCOPED: ReadonlySet<string> = new Set(['create-profile', 'unlock', 'import-profile', 'select-profile', 'delete-profile', 'lowbw', 'data-budget', 'quit']);

export interface EngineDeps extends RuntimeDeps {
  /** The profiles folder's parent (`--home`). */
  readonly home: string;
}

export class Engine implements EngineApi {
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private readonly runtimes = new Map<string, ProfileRuntime>();
  private active: ProfileRuntime | null = null;
  private queue: Promise<void> = Promise.resolve();
  private readonly store: ProfileStore;
  private lowBandwidth = false;
  private closed: Promise<void> | null = null;
  private readonly quitCbs: (() => void)[] = [];
  /** Bytes per server, per contact and in total, across every open profile. */
  readonly meter: ByteMeter;
  /** The day's bytes across every open profile, and the budget low-bandwidth syncs keep to. */
  private readonly budget: DataBudget;

  constructor(private readonly deps: EngineDeps) {
    this.store = new ProfileStore({ pbkdf2: deps.pbkdf2, random: deps.random });
    this.budget = new DataBudget(deps.clock);
    this.meter = new ByteMeter(
      deps.clock,
      (e) => {
        // Each total event (at most one a second) is also when the day's count is written down.
        if (e.scope === 'total') this.saveDay();
        this.emit(e);
      },
      BYTES_EVENT_INTERVAL_MS,
      this.budget,
    );
  }

  /** Every open profile keeps the day's count, so a restart resumes it (data-budget.ts). */
  private saveDay(): void {
    const r = this.budget.record();
    for (const p of this.runtimes.values()) {
      try {
        p.saveDay(r);
      } catch {
        this.deps.log('engine: could not record the day\'s data count');
      }
    }
  }

  subscribe(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  command(c: EngineCommand): void {
    this.queue = this.queue.then(() => this.run(c));
  }

  /** Resolves when every queued command has run (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  /** Called once a `quit` command has closed the engine. */
  onQuit(cb: () => void): void {
    this.quitCbs.push(cb);
  }

  /** The active profile's gap-repair counters (asked, repaired, rejected …), for the bench and tests; null before unlock. */
  get repairStats(): RepairStats | null {
    return this.active?.groups.repair.stats ?? null;
  }

  /** The active profile's onion, or null before any profile is open. */
  get activeOnion(): string | null {
    return this.active?.onion ?? null;
  }

  /** Stop every profile: connections closed, listeners withdrawn, databases closed. Idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.saveDay();
      for (const r of this.runtimes.values()) {
        try {
          await r.close();
        } catch (e) {
          this.deps.log(`engine: closing a profile failed (${e instanceof CwtchError ? e.code : 'error'})`);
        }
      }
      this.runtimes.clear();
      this.active = null;
      this.meter.close();
    })();
    return this.closed;
  }

  /** Say how many profiles the home folder holds (at start, once the UI listens): 0 means a first run. */
  announceProfiles(): void {
    this.emit(this.profilesEvent());
  }

  /** How many profiles the home holds and which are open (which one active). */
  private profilesEvent(): EngineEvent {
    const open = [...this.runtimes.values()].map((r) => ({ profileId: r.profile.id, name: r.profileName, onion: r.onion, active: r === this.active }));
    return { event: 'profiles', count: this.profileCount(), open };
  }

  /** How many profiles the home folder holds. */
  profileCount(): number {
    return listProfileIds(this.deps.home).length;
  }

  /** Emit an event as if the engine produced it (network status from the app, for instance). */
  emit(e: EngineEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // A listener's bug must not stop the others or the engine.
      }
    }
  }

  private async run(c: EngineCommand): Promise<void> {
    const id = c.id;
    try {
      if (this.closed !== null && c.cmd !== 'quit') throw new CwtchError('engine.closed', 'the engine is shutting down');
      // A command for another open profile: that one becomes active first (commands act on the active profile).
      if (c.profile !== undefined && !UNSCOPED.has(c.cmd) && this.active?.profile.id !== c.profile) this.activate(this.openProfile(c.profile));
      await this.dispatch(c);
    } catch (e) {
      const code = e instanceof CwtchError ? e.code : 'engine.internal';
      const message = e instanceof CwtchError ? e.message : 'something went wrong inside the engine';
      if (!(e instanceof CwtchError)) this.deps.log(`engine: ${c.cmd} failed: ${e instanceof Error ? e.name : 'error'}`);
      this.emit({ ...(id !== undefined ? { id } : {}), event: 'error', code, message });
    }
  }

  private openProfile(profileId: string): ProfileRuntime {
    const r = [...this.runtimes.values()].find((x) => x.profile.id === profileId);
    if (r === undefined) throw new UsageError('profile.unknown', 'no open profile has that profileId (see the profiles event)');
    return r;
  }

  /** Make `r` the active profile: only its events reach listeners; its snapshot is said again so a UI redraws. */
  private activate(r: ProfileRuntime, id?: string): void {
    if (this.active !== null && this.active !== r) this.active.emit = () => {};
    this.active = r;
    r.emit = (e) => this.emit(e);
    for (const e of r.snapshot(id)) this.emit(e);
    for (const e of this.meter.snapshot()) this.emit(e);
    this.emit(this.profilesEvent());
  }

  /**
   * Delete an open profile: offline first (listener and onion service withdrawn, connections closed), then its
   * folder (profile-store.ts: renamed away, then removed, so a crash never leaves half a profile openable). Another
   * open profile becomes active, if there is one.
   */
  private async deleteProfile(profileId: string, id?: string): Promise<void> {
    const r = this.openProfile(profileId);
    this.saveDay();
    r.emit = () => {};
    await r.stop();
    this.runtimes.delete(r.onion);
    this.store.deleteProfile(r.profile);
    const wasActive = this.active === r;
    if (wasActive) this.active = null;
    this.emit({ ...(id !== undefined ? { id } : {}), event: 'ok', cmd: 'delete-profile' });
    const next = wasActive ? [...this.runtimes.values()][0] : undefined;
    if (next !== undefined) this.activate(next);
    else this.emit(this.profilesEvent());
  }

  private need(): ProfileRuntime {
    if (this.active === null) throw new CwtchError('profile.none', 'no profile is open: create one or unlock with its password');
    return this.active;
  }

  private async dispatch(c: EngineCommand): Promise<void> {
    const idf = c.id !== undefined ? { id: c.id } : {};
    switch (c.cmd) {
      case 'create-profile': {
        const p = this.store.createProfile(this.deps.home, { name: c.name, password: c.password });
        await this.adopt([p.id], [p], c.id);
        return;
      }
      case 'unlock': {
        let opened;
        try {
          opened = this.store.unlockProfiles(this.deps.home, c.password).opened;
        } catch (e) {
          if (e instanceof StorageError) throw e;
          throw new StorageError('profile.open-failed', 'the profiles could not be opened');
        }
        if (opened.length === 0) throw new StorageError('profile.none', 'there is no profile yet: create one');
        await this.adopt(
          opened.map((p) => p.id),
          opened,
          c.id,
        );
        return;
      }
      case 'add':
        this.need().add(c.text, c.id);
        return;
      case 'accept':
        this.need().accept(c.onion, c.id);
        return;
      case 'block':
        this.need().block(c.onion, c.id);
        return;
      case 'mute':
        this.need().mute(c.conversation, c.on, c.id);
        return;
      case 'export-profile':
        await exportProfile(this.need().profile, c.file);
        this.emit({ ...idf, event: 'ok', cmd: c.cmd });
        return;
      case 'import-profile': {
        const imported = await importProfile(this.deps.home, c.file, this.deps.random);
        // Opened with its own password, or taken out again: an import that nobody here can open changes nothing.
        let opened: Profile[];
        try {
          opened = this.store.unlockProfiles(this.deps.home, c.password).opened;
        } catch {
          opened = [];
        }
        const mine = opened.filter((p) => p.id === imported);
        // Only the imported one stays open: the others the password opened are running already, or not wanted now.
        for (const p of opened) if (p.id !== imported) p.lock();
        if (mine.length === 0) {
          rmSync(join(profilesDir(this.deps.home), imported), { recursive: true, force: true });
          throw new StorageError('profile.wrong-password', 'that password does not open the exported profile; nothing was imported');
        }
        await this.adopt([imported], mine, c.id);
        return;
      }
      case 'change-password':
        await this.changePassword(c.old, c.new, c.id);
        return;
      case 'search':
        this.need().search(c.text, c.conversation, c.limit, c.id);
        return;
      case 'verify-code':
        this.need().verifyCode(c.onion, c.id);
        return;
      case 'set-verified':
        this.need().setVerified(c.onion, c.on, c.id);
        return;
      case 'block-unknown':
        this.need().setBlockUnknown(c.on);
        this.emit({ ...idf, event: 'ok', cmd: c.cmd });
        return;
      case 'send':
        this.need().send(c.to, c.text, c.id);
        return;
      case 'history':
        this.need().history(c.conversation, c.limit, c.before, c.id);
        return;
      case 'create-group':
        this.need().createGroup(c.server, c.name, c.id);
        return;
      case 'invite':
        this.need().invite(c.to, c.group, c.id);
        return;
      case 'leave-group':
        await this.need().leaveGroup(c.group, c.id);
        return;
      case 'rename':
        this.need().rename(c.conversation, c.name, c.id);
        return;
      case 'fork-group':
        this.need().forkGroup(c.group, c.server, c.id);
        return;
      case 'mirror':
        this.need().mirrorGroup(c.group, c.server, c.id);
        return;
      case 'move-group':
        this.need().moveGroup(c.group, c.server, c.id);
        return;
      case 'sync':
        this.need().sync(c.server, c.confirm === true, c.id);
        return;
      case 'lowbw':
        // Every open profile follows (and remembers it); profiles opened later start in the same mode.
        this.lowBandwidth = c.on;
        for (const r of this.runtimes.values()) r.setLowBandwidth(c.on);
        this.emit({ ...idf, event: 'lowbw', on: this.lowBandwidth });
        return;
      case 'data-budget': {
        const n = c.bytesPerDay;
        if (!Number.isSafeInteger(n) || n < 0) throw new UsageError('budget.invalid', 'bytesPerDay is a whole number of bytes, 0 for no budget');
        // Every open profile follows and remembers it, as with low-bandwidth mode.
        this.budget.budget = n;
        for (const r of this.runtimes.values()) r.saveBudget(n);
        this.emit({ ...idf, event: 'ok', cmd: c.cmd });
        this.emit(this.meter.total());
        return;
      }
      case 'select-profile':
        this.activate(this.openProfile(c.profile), c.id);
        return;
      case 'delete-profile':
        await this.deleteProfile(c.profile, c.id);
        return;
      case 'quit':
        await this.close();
        this.emit({ ...idf, event: 'ok', cmd: 'quit' });
        for (const cb of this.quitCbs.splice(0)) cb();
        return;
    }
  }

  /**
   * Re-key the active profile (profile-store.ts changePassword: crash-safe, one of the two passwords always opens
   * it). Its runtime goes offline for the change and a fresh one starts on the re-keyed database.
   */
  private async changePassword(oldPassword: string, newPassword: string, id?: string): Promise<void> {
    const r = this.need();
    if (!r.profile.checkPassword(oldPassword)) throw new StorageError('profile.wrong-password', 'the current password is not correct');
    this.saveDay();
    await r.stop();
    this.runtimes.delete(r.onion);
    let failure: unknown = null;
    try {
      r.profile.changePassword(oldPassword, newPassword);
    } catch (e) {
      failure = e;
    }
    // Back online either way: with the new key, or (the change undone) with the old one.
    const fresh = new ProfileRuntime({ ...this.deps, meter: this.meter, budget: this.budget }, r.profile, () => {});
    this.runtimes.set(fresh.onion, fresh);
    await fresh.start(this.lowBandwidth);
    if (this.lowBandwidth) fresh.setLowBandwidth(true);
    if (failure === null) this.emit({ ...(id !== undefined ? { id } : {}), event: 'ok', cmd: 'change-password' });
    this.activate(fresh);
    if (failure !== null) throw failure;
  }

  /** Start runtimes for newly opened profiles (a profile already running is closed again), make the last active. */
  private async adopt(ids: readonly string[], profiles: readonly Profile[], id?: string): Promise<void> {
    let last: ProfileRuntime | null = null;
    for (const [i, p] of profiles.entries()) {
      const running = [...this.runtimes.values()].find((r) => r.profile.id === ids[i]);
      if (running !== undefined) {
        p.lock();
        last = running;
        continue;
      }
      const r = new ProfileRuntime({ ...this.deps, meter: this.meter, budget: this.budget }, p, () => {});
      this.runtimes.set(r.onion, r);
      try {
        adoptBudget(this.budget, r, [...this.runtimes.values()]);
        if (!this.lowBandwidth && p.db.getSetting(SETTING_LOW_BANDWIDTH)?.[0] === 1) {
          this.lowBandwidth = true;
          for (const o of this.runtimes.values()) if (o !== r) o.setLowBandwidth(true);
          this.emit({ event: 'lowbw', on: true });
        }
        await r.start(this.lowBandwidth);
        if (this.lowBandwidth) r.setLowBandwidth(true);
      } catch (e) {
        this.runtimes.delete(r.onion);
        p.lock();
        throw e instanceof CwtchError ? e : new CwtchError('network.listen', 'could not publish the profile on the network');
      }
      last = r;
    }
    if (last !== null) this.activate(last, id);
  }
}
