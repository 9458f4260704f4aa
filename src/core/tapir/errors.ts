// Errors of the Tapir layer that are programming mistakes, not peer behaviour (peers only ever cause a close).

import { CwtchError } from '../errors.js';

/** An app was used against its contract, e.g. a second transcript on one connection. */
export class TapirStateError extends CwtchError {}
