// Entry for the TUI and headless modes: wires platform, network, profiles and the engine, and stops them all
// on quit, end of input, SIGINT, SIGTERM or SIGHUP (tor stopped, databases closed).

import { readFileSync } from 'node:fs';
import { CwtchError } from '../core/errors.js';
import { join } from 'node:path';
import type { Acn, AcnStatus } from '../core/net/acn.js';
import { resolveHome, uiSettingsDir } from '../profile/paths.js';
import { openUiSettings } from '../profile/ui-settings.js';
import { memorySettings, type UiSettingsStore } from '../core/api/ui-settings.js';
import { LOCAL_NET_ENV, localAcn } from '../tor/local-acn.js';
import { TorAcn } from '../tor/tor-acn.js';
import type { ControlAuth } from '../tor/control-port.js';
import { Engine } from './engine/engine.js';
import { runHeadless } from './headless.js';
import { nodePbkdf2, nodeRandom, systemClock } from './platform/node-platform.js';
import { sodiumNativeBackend } from './platform/sodium-native-backend.js';

export interface MainFlags {
  readonly home?: string;
  readonly network: string;
  readonly localNet?: string;
  readonly torPath?: string;
  readonly torConfig?: string;
  readonly torControl?: string;
  readonly torAuth?: string;
  readonly lowBandwidth: boolean;
  readonly verbose: boolean;
  /** Plain appended lines instead of the Ink screen (screen readers; also chosen when TERM=dumb). */
  readonly linear?: boolean;
}

const EXIT_USAGE = 64;

class StartError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function parseTorAuth(s: string | undefined): ControlAuth {
  if (s?.startsWith('cookie:')) return { cookieFile: s.slice('cookie:'.length) };
  if (s?.startsWith('password:')) return { password: s.slice('password:'.length) };
  throw new StartError('--tor-control needs --tor-auth cookie:FILE or password:SECRET', EXIT_USAGE);
}

async function makeAcn(flags: MainFlags, home: string, onStatus: (s: AcnStatus) => void): Promise<Acn> {
  if (flags.network === 'local') {
    const dir = flags.localNet ?? process.env[LOCAL_NET_ENV];
    if (dir === undefined || dir === '') throw new StartError(`--network local needs --local-net DIR (or ${LOCAL_NET_ENV})`, EXIT_USAGE);
    const acn = localAcn(dir);
    acn.setStatusCallback(onStatus);
    return acn;
  }
  if (flags.torControl !== undefined) {
    return TorAcn.start({ mode: 'attach', control: flags.torControl, auth: parseTorAuth(flags.torAuth), onStatus });
  }
  let extraTorrc: string | undefined;
  if (flags.torConfig !== undefined) {
    try {
      extraTorrc = readFileSync(flags.torConfig, 'utf8');
    } catch {
      throw new StartError('cannot read the --tor-config file', EXIT_USAGE);
    }
  }
  return TorAcn.start({
    dir: join(home, 'tor'),
    ...(flags.torPath !== undefined ? { torPath: flags.torPath } : {}),
    ...(extraTorrc !== undefined ? { extraTorrc } : {}),
    onStatus,
  });
}

/**
 * Set before Ink and React load. Ink renders nothing until exit when it believes it runs in CI (CI or
 * CONTINUOUS_INTEGRATION set): an interactive terminal client must draw regardless. React's production build
 * is several times faster per frame than the development build.
 */
function prepareInkEnvironment(): void {
  // Deleted, not set to 'false': chalk turns colour off when CI is present with any value.
  for (const k of ['CI', 'CONTINUOUS_INTEGRATION']) delete process.env[k];
  // NO_COLOR (https://no-color.org): our components drop colours, and chalk (under Ink) must not add even its
  // default-colour resets; FORCE_COLOR=0 is the switch chalk reads.
  const noColor = process.env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') process.env['FORCE_COLOR'] = '0';
  process.env['NODE_ENV'] ??= 'production';
}

/** Longest a quitting client waits for its connections, tor and databases to close before exiting anyway. */
const SHUTDOWN_DEADLINE_MS = 5_000;
/** --verbose lines kept while the full-screen UI runs (printed after it): enough for a failing start-up. */
const HELD_LOG_LINES = 500;

/** The UI settings file; one that cannot be opened (a read-only config dir) leaves this session's defaults. */
function openSettings(flagHome: string | undefined, log: (line: string) => void): UiSettingsStore {
  try {
    return openUiSettings({ cwd: uiSettingsDir(flagHome) });
  } catch {
    log('could not open the UI settings file: this session uses the defaults, and /set keeps changes only until quit');
    return memorySettings();
  }
}

export async function runMain(mode: 'tui' | 'headless', flags: MainFlags): Promise<number> {
  // While the full-screen UI owns the terminal, a line on a terminal stderr would tear its frame: such lines are
  // held (the last few hundred) and printed once the terminal is given back.
  const held: string[] = [];
  let leaveTerminal: (() => string) | null = null;
  const log = (line: string): void => {
    const text = `cwtch-tui: ${line}\n`;
    if (leaveTerminal !== null && process.stderr.isTTY) {
      held.push(text);
      if (held.length > HELD_LOG_LINES) held.shift();
    } else process.stderr.write(text);
  };
  const linear = mode === 'tui' && flags.linear === true;
  // Linear mode writes lines and reads lines: it needs no terminal (a screen reader's console, a pipe, `expect`).
  if (mode === 'tui' && !linear && (!process.stdin.isTTY || !process.stdout.isTTY)) {
    log('the terminal client needs a terminal (stdin and stdout must be a TTY); for scripts use `cwtch-tui headless`');
    return 1;
  }
  const home = resolveHome(flags.home);
  const settings = mode === 'tui' ? openSettings(flags.home, log) : memorySettings();
  // The lowbw setting is the default; --low-bandwidth turns it on for this run whatever the setting says.
  const lowBandwidth = flags.lowBandwidth || settings.get().lowbw === 'on';
  let engine: Engine | null = null;
  const pendingStatus: AcnStatus[] = [];
  const onStatus = (s: AcnStatus): void => {
    if (engine === null) pendingStatus.push(s);
    else engine.emit({ event: 'tor', state: s.state, progress: s.progress, summary: s.summary });
  };
  let acn: Acn;
  try {
    acn = await makeAcn(flags, home, onStatus);
  } catch (e) {
    if (e instanceof StartError) {
      log(e.message);
      return e.exitCode;
    }
    // Our own errors are written for people (e.g. "tor not found: apt-get install …"); anything else is a bug
    // whose details only --verbose shows.
    if (e instanceof CwtchError) log(`could not start the network: ${e.message}`);
    else log(`could not start the network${flags.verbose && e instanceof Error ? `: ${e.message}` : ''}`);
    return 1;
  }
  const eng = new Engine({
    backend: sodiumNativeBackend,
    pbkdf2: nodePbkdf2,
    random: nodeRandom,
    clock: systemClock,
    acn,
    home,
    log: flags.verbose ? log : () => {},
  });
  engine = eng;

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await eng.close();
      await acn.close();
    })());
  // The terminal is given back on every exit path, signals included (an SSH drop is SIGHUP).
  const restoreTerminal = (): void => {
    if (leaveTerminal === null) return;
    const seq = leaveTerminal();
    leaveTerminal = null;
    try {
      process.stdout.write(seq);
      if (held.length > 0) process.stderr.write(held.splice(0).join(''));
    } catch {
      // stdout may already be gone (SSH drop): nothing left to restore.
    }
  };
  const onSignal = (): void => {
    restoreTerminal();
    void stop().then(() => process.exit(0));
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, onSignal);

  try {
    if (mode === 'headless') {
      const done = runHeadless(eng, { input: process.stdin, write: (s) => void process.stdout.write(s) });
      eng.announceProfiles();
      for (const s of pendingStatus.splice(0)) onStatus(s);
      if (flags.lowBandwidth) eng.command({ cmd: 'lowbw', on: true });
      await done;
    } else if (linear) {
      const { runLinear } = await import('../ui/linear/run-linear.js');
      const { nodeLinearIo } = await import('../ui/linear/linear-io.js');
      const running = runLinear(eng, { io: nodeLinearIo(process.stdin, process.stdout), lowBandwidth, profileCount: eng.profileCount(), settings });
      if (lowBandwidth) eng.command({ cmd: 'lowbw', on: true });
      eng.announceProfiles();
      for (const s of pendingStatus.splice(0)) onStatus(s);
      await running;
    } else {
      prepareInkEnvironment();
      const ui = await import('../ui/index.js');
      process.stdout.write(ui.enterTerminal());
      leaveTerminal = ui.leaveTerminal;
      // runTui subscribes its store synchronously: replay the early network status after that, or it is lost.
      const running = ui.runTui(eng, { lowBandwidth, settings });
      if (lowBandwidth) eng.command({ cmd: 'lowbw', on: true });
      eng.announceProfiles();
      for (const s of pendingStatus.splice(0)) onStatus(s);
      await running;
    }
  } finally {
    restoreTerminal();
    // A close that hangs (a peer that never finishes closing) must not keep a quitting client alive: give shutdown
    // a deadline. Every acknowledged message is already committed (WAL), so exiting is safe.
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_DEADLINE_MS).unref());
    await Promise.race([stop(), deadline]);
  }
  // The bin calls process.exit: let the last events reach a piped stdout first.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  return 0;
}
