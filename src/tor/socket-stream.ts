// Adapts a node net.Socket to the ACN Stream interface (src/core/net/acn.ts).
// Shared by the tor ACN and the local-TCP ACN.

import type { Socket } from 'node:net';
import type { Stream } from '../core/net/acn.js';

/**
 * Wrap a connected socket. Data that arrives before onData is registered is buffered so nothing
 * is lost between accept/connect and the consumer attaching. onClose fires exactly once.
 */
/** Longest wait for queued bytes to drain on close before the socket is destroyed anyway. */
const GRACEFUL_CLOSE_MS = 2000;

export function socketStream(socket: Socket): Stream {
  let closed = socket.destroyed;
  let closeReason: string | undefined;
  let dataCb: ((chunk: Uint8Array) => void) | null = null;
  let closeCb: ((reason?: string) => void) | null = null;
  let closeDelivered = false;
  const pending: Uint8Array[] = [];

  const deliverClose = (): void => {
    if (closeDelivered || closeCb === null || !closed) return;
    closeDelivered = true;
    closeCb(closeReason);
  };

  const markClosed = (): void => {
    closed = true;
    deliverClose();
  };

  socket.setNoDelay(true);
  socket.on('data', (chunk: Buffer) => {
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (dataCb !== null) dataCb(bytes);
    else pending.push(Uint8Array.from(bytes));
  });
  // A socket handed over paused (e.g. after the SOCKS handshake) starts flowing here.
  socket.resume();
  // Errors are folded into the close reason; the socket emits 'close' after 'error'.
  socket.on('error', (e: NodeJS.ErrnoException) => {
    closeReason ??= e.code ?? 'socket error';
  });
  socket.on('close', markClosed);

  return {
    write(bytes: Uint8Array): boolean {
      if (closed || socket.destroyed || !socket.writable) return false;
      socket.write(bytes);
      return true;
    },
    onData(cb: (chunk: Uint8Array) => void): void {
      dataCb = cb;
      while (pending.length > 0 && dataCb === cb) cb(pending.shift()!);
    },
    onClose(cb: (reason?: string) => void): void {
      closeCb = cb;
      deliverClose();
    },
    close(): void {
      if (closed) return;
      closed = true;
      closeReason ??= 'closed locally';
      // Let queued writes reach the kernel before the reset (Go's Send-then-Close delivers them too),
      // but never wait on a peer that stops reading for longer than GRACEFUL_CLOSE_MS.
      if (socket.writableLength === 0) socket.destroy();
      else {
        socket.end(() => socket.destroy());
        setTimeout(() => socket.destroy(), GRACEFUL_CLOSE_MS).unref();
      }
      deliverClose();
    },
    // Flow control: a slow reader pauses the socket instead of buffering without bound.
    pause: () => void socket.pause(),
    resume: () => void socket.resume(),
    bufferedBytes: () => socket.writableLength,
    onDrain(cb: () => void): void {
      if (closed || socket.writableLength === 0) return void queueMicrotask(cb);
      const done = (): void => {
        socket.off('drain', done);
        socket.off('close', done);
        cb();
      };
      socket.on('drain', done);
      socket.on('close', done);
    },
    get closed(): boolean {
      return closed;
    },
  };
}
