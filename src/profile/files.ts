// Small durable-file helpers: a rename is only a commit point once the file and its directory are fsynced.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/** Writes `data` to `path` (replacing it) and fsyncs the file. Fsync the directory afterwards for a new name. */
export function writeDurable(path: string, data: Uint8Array | string): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The file's bytes, or null when it does not exist. */
export function readIfExists(path: string): Uint8Array | null {
  if (!existsSync(path)) return null;
  return new Uint8Array(readFileSync(path));
}

export function removeIfExists(...paths: string[]): void {
  for (const p of paths) rmSync(p, { force: true });
}
