// One small error class per layer, each with a typed code; tests assert on code, not on message text.
// Messages never carry keys, message text or onion addresses.

export class CwtchError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The network failed: retryable. */
export class TransportError extends CwtchError {}
/** Storage failed or refused (wrong password, disk full). */
export class StorageError extends CwtchError {}
/** The user asked for something malformed (exit 64 at the CLI). */
export class UsageError extends CwtchError {}
