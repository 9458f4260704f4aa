// Tapir applications: the logic run on one connection, granting capabilities that later apps require.
// TranscriptApp owns the connection's single Merlin transcript; ApplicationChain runs apps in order on it.
// docs/protocol.md §3.2, §5.1; handbook "Transcript App" and "Application Stacks".

import { Transcript } from '../../crypto/transcript.js';
import type { Connection } from '../connection.js';
import { TapirStateError } from '../errors.js';
import { TRANSCRIPT_LABEL } from '../wire-constants.js';

export interface Application {
  /** A fresh instance for one connection (apps keep per-connection state). */
  newInstance(): Application;
  /**
   * Run on `conn`. Resolves when the app has done its part; on any failure it closes the connection
   * (it never rejects because of what the peer sent).
   */
  init(conn: Connection): Promise<void>;
  transcript(): Transcript | null;
  /** Hand this app the chain's transcript before init, so the whole session shares one. */
  propagateTranscript(t: Transcript): void;
}

export class TranscriptApp implements Application {
  protected tr: Transcript | null = null;

  newInstance(): Application {
    return new TranscriptApp();
  }

  async init(_conn: Connection): Promise<void> {
    this.initTranscript();
  }

  /** A session is based on one, and only one, transcript: a second init is a bug (Go panics). */
  protected initTranscript(): Transcript {
    if (this.tr !== null) throw new TapirStateError('tapir.transcript-exists', 'this connection already has a transcript');
    this.tr = new Transcript(TRANSCRIPT_LABEL);
    return this.tr;
  }

  transcript(): Transcript | null {
    return this.tr;
  }

  propagateTranscript(t: Transcript): void {
    this.tr = t;
  }
}

interface Link {
  readonly app: Application;
  readonly capability: string;
}

/**
 * Runs apps in order on one transcript; after each, the connection must hold that app's capability or it is
 * closed and the chain stops (Go ApplicationChain.Init). Generic, so proof-of-work and token apps plug in.
 */
export class ApplicationChain extends TranscriptApp {
  private readonly links: Link[] = [];

  /** Append an app and the capability it must grant. Returns this, for chaining. */
  chain(app: Application, capability: string): this {
    this.links.push({ app, capability });
    return this;
  }

  override newInstance(): Application {
    const c = new ApplicationChain();
    for (const l of this.links) c.chain(l.app.newInstance(), l.capability);
    return c;
  }

  override async init(conn: Connection): Promise<void> {
    const t = this.initTranscript();
    for (const { app, capability } of this.links) {
      app.propagateTranscript(t);
      await app.init(conn);
      if (!conn.hasCapability(capability)) {
        conn.close('missing-capability');
        return;
      }
    }
  }
}
