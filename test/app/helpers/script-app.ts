// A scripted peer for hostile-peer tests: authenticates like a real peer (AuthApp), then runs `script` with raw
// send/expect on the connection.

import type { Application } from '../../../src/core/tapir/apps/application.js';
import { TranscriptApp } from '../../../src/core/tapir/apps/application.js';
import type { Connection } from '../../../src/core/tapir/connection.js';

export class ScriptApp extends TranscriptApp {
  constructor(
    private readonly auth: Application,
    private readonly script: (conn: Connection) => Promise<void>,
  ) {
    super();
  }
  override newInstance(): Application {
    return new ScriptApp(this.auth.newInstance(), this.script);
  }
  override async init(conn: Connection): Promise<void> {
    await this.auth.init(conn);
    if (!conn.closed) await this.script(conn);
  }
}
