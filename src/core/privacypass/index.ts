// Privacy pass (docs/protocol.md §5): tokens, the batch DLEQ proof, the token server and the wire shapes.
export * from './constants.js';
export * from './token.js';
export * from './dleq.js';
export * from './token-server.js';
export * from './wire.js';
