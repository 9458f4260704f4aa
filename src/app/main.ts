// Entry for the TUI and headless modes: wires platform, network, profiles and the engine.

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
}

export async function runMain(mode: 'tui' | 'headless', _flags: MainFlags): Promise<number> {
  process.stderr.write(`cwtch-tui: the ${mode} mode is not wired yet in this build\n`);
  return 1;
}
