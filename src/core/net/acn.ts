// The anonymous communication network (handbook: "Connectivity"), as an interface.
// Implementations: in-memory (tests), local TCP on 127.0.0.1 with a registry directory, and tor.

import type { OnionAddress } from '../crypto/onion.js';

/** A bidirectional byte stream. Chunks arrive however the transport splits them. */
export interface Stream {
  /** Queue bytes for sending. Returns false once the stream is closed. */
  write(bytes: Uint8Array): boolean;
  /** Register the single data consumer. */
  onData(cb: (chunk: Uint8Array) => void): void;
  /** Called once, after which no more data arrives. */
  onClose(cb: (reason?: string) => void): void;
  close(): void;
  readonly closed: boolean;
  /**
   * Optional flow control: stop delivering data until resume(). Consumers with bounded buffers use it when
   * present and close the stream on overflow when it is not.
   */
  pause?(): void;
  resume?(): void;
  /**
   * Optional outbound flow control: bytes written but not yet taken by the transport. A sender that may
   * produce a lot (a server replaying its table) waits for drain past a high-water mark instead of buffering
   * without bound for a peer that stopped reading.
   */
  bufferedBytes?(): number;
  /** Call `cb` once, when the transport has taken what was buffered (at once if nothing is). */
  onDrain?(cb: () => void): void;
}

/** An onion service we host: hands us inbound streams. */
export interface Listener {
  readonly onion: OnionAddress;
  onStream(cb: (s: Stream) => void): void;
  close(): Promise<void>;
}

export type AcnStatus =
  | { readonly state: 'starting'; readonly progress: number; readonly summary: string }
  | { readonly state: 'ready'; readonly progress: 100; readonly summary: string }
  | { readonly state: 'failed'; readonly progress: number; readonly summary: string }
  | { readonly state: 'closed'; readonly progress: number; readonly summary: string };

export interface Acn {
  /**
   * Publish an onion service for this identity (long-term or ephemeral) on the Cwtch virtual port.
   * `seed` is the 32-byte ed25519 seed (tor wants the expanded key; the ACN derives it).
   */
  listen(seed: Uint8Array, onion: OnionAddress): Promise<Listener>;
  /** Dial `<onion>.onion:port`. Rejects with a TransportError whose message a person understands. */
  dial(onion: OnionAddress, port?: number): Promise<Stream>;
  getBootstrapStatus(): AcnStatus;
  setStatusCallback(cb: (s: AcnStatus) => void): void;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The status side of a network that needs no bootstrap (the in-memory one, the loopback one): always ready, a
 * restart does nothing.
 */
export function alwaysReady(summary: string): Pick<Acn, 'getBootstrapStatus' | 'setStatusCallback' | 'restart'> {
  const ready: AcnStatus = { state: 'ready', progress: 100, summary };
  return {
    getBootstrapStatus: () => ready,
    setStatusCallback: (cb) => cb(ready),
    restart: async () => {},
  };
}
