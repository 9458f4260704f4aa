// Decoders at trust boundaries return a Result and never throw on hostile input.

export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<E> = { readonly ok: false; readonly error: E };
export type Result<T, E = DecodeError> = Ok<T> | Err<E>;

/** Why a hostile or malformed input was refused: a stable code for tests, a sentence for people. */
export interface DecodeError {
  readonly code: string;
  readonly reason: string;
}

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = <E = DecodeError>(error: E): Err<E> => ({ ok: false, error });
export const fail = (code: string, reason: string): Err<DecodeError> => ({ ok: false, error: { code, reason } });
