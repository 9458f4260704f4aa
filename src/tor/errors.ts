// Errors of the tor layer. Codes are stable (tests assert on them); messages are for people and never
// carry keys, cookies, passwords or onion addresses.

import { TransportError } from '../core/errors.js';

export type TorErrorCode =
  // control port: framing and protocol
  | 'control.line-too-long'
  | 'control.reply-too-large'
  | 'control.bad-line'
  | 'control.bad-status'
  | 'control.mixed-status'
  | 'control.unexpected-reply'
  | 'control.bad-reply'
  | 'control.timeout'
  | 'control.closed'
  | 'control.connect-failed'
  | 'control.bad-argument'
  | 'control.command-failed'
  // control port: authentication and onion services
  | 'control.auth-failed'
  | 'control.auth-unsupported'
  | 'control.serverhash-mismatch'
  | 'control.bad-cookie'
  | 'control.service-id-mismatch'
  // SOCKS
  | 'socks.bad-reply'
  | 'socks.auth-refused'
  | 'socks.timeout'
  | 'socks.closed'
  | 'socks.connect-failed'
  | 'socks.general-failure'
  | 'socks.not-allowed'
  | 'socks.network-unreachable'
  | 'socks.host-unreachable'
  | 'socks.refused'
  | 'socks.ttl-expired'
  | 'socks.command-unsupported'
  | 'socks.address-unsupported'
  | 'socks.onion-not-found'
  | 'socks.onion-descriptor-invalid'
  | 'socks.onion-intro-failed'
  | 'socks.onion-rendezvous-failed'
  | 'socks.onion-auth-missing'
  | 'socks.onion-auth-wrong'
  | 'socks.onion-bad-address'
  | 'socks.onion-intro-timeout'
  | 'socks.unknown-error'
  // the tor binary and process
  | 'tor.not-found'
  | 'tor.not-executable'
  | 'tor.too-old'
  | 'tor.bad-version'
  | 'tor.start-failed'
  | 'tor.exited'
  | 'tor.not-running'
  | 'tor.closed'
  | 'tor.bad-options';

export class TorError extends TransportError {
  declare readonly code: TorErrorCode;
  constructor(code: TorErrorCode, message: string) {
    super(code, message);
  }
}
