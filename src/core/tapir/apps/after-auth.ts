// An application that runs AuthApp first and then its own protocol on the authenticated connection, as Go's
// PeerApp, TokenboardServer and TokenBoardClient embed AuthApp (docs/protocol.md §4, last bullet). Ours: PeerApp
// (src/core/peer), TokenBoardClientApp (src/core/groups), BoardServerApp (src/server).

import type { Transcript } from '../../crypto/transcript.js';
import type { Connection } from '../connection.js';
import { AUTH_CAPABILITY } from '../wire-constants.js';
import type { Application } from './application.js';
import type { AuthApp } from './auth-app.js';

export abstract class AfterAuthApp implements Application {
  constructor(protected readonly auth: AuthApp) {}

  abstract newInstance(): Application;

  /** Runs once authentication succeeded; resolves when this app is done with the connection. */
  protected abstract afterAuth(conn: Connection): Promise<void>;

  transcript(): Transcript | null {
    return this.auth.transcript();
  }

  propagateTranscript(t: Transcript): void {
    this.auth.propagateTranscript(t);
  }

  async init(conn: Connection): Promise<void> {
    await this.auth.init(conn);
    // No AuthenticationCapability → close, as Go's apps do; nothing of ours runs on an unauthenticated peer.
    if (!conn.hasCapability(AUTH_CAPABILITY)) return conn.close('missing-capability');
    await this.afterAuth(conn);
  }
}
