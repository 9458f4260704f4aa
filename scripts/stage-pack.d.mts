// Types for scripts/stage-pack.mjs, so the TypeScript tests can import it under strict mode.
export function run(cmd: string, args: string[], cwd: string, timeoutMs: number, okCodes?: readonly number[]): Promise<string>;
export function buildAndPack(root: string, stage: string): Promise<string>;
