// Go encoding/json-compatible output (docs/protocol.md §0). Signatures and MACs in Cwtch are computed over bytes the
// receiver re-serialises with Go, so senders must produce exactly what json.Marshal would: field order as declared,
// map keys sorted byte-wise, []byte as padded standard base64, HTML-escaped strings, omitempty.
//
// Callers state the shape explicitly:
//   encodeGoJson(goJson.object([['ID', goJson.string(id)], ['Data', goJson.bytes(data)], ['X', v, 'omitempty']]))

import { fromBase64, toBase64, utf8 } from '../bytes.js';
import { fail, ok, type Result } from '../result.js';

/** Go ≥ 1.22 writes \b and \f as short escapes (older Go wrote \u0008, \u000c). Cwtch 1.x servers build with ≥ 1.22. */
export const GO_SHORT_ESCAPES_BF = true;

export type GoJsonValue =
  | { readonly kind: 'null' }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'bytes'; readonly value: Uint8Array | null }
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'array'; readonly value: readonly GoJsonValue[] | null }
  | { readonly kind: 'object'; readonly fields: readonly GoJsonField[] }
  | { readonly kind: 'map'; readonly entries: readonly (readonly [string, GoJsonValue])[] | null };

/** A struct field: [name, value] or [name, value, 'omitempty']. */
export type GoJsonField = readonly [name: string, value: GoJsonValue] | readonly [name: string, value: GoJsonValue, tag: 'omitempty'];

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

function toBigInt(n: number | bigint, what: string): bigint {
  if (typeof n === 'bigint') return n;
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be a safe integer`);
  return BigInt(n);
}

function utf8Compare(a: string, b: string): number {
  const x = utf8(a);
  const y = utf8(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Builders for the Go types Cwtch marshals. Out-of-range numbers are caller bugs and throw RangeError. */
export const goJson = {
  null: (): GoJsonValue => ({ kind: 'null' }),
  string: (value: string): GoJsonValue => ({ kind: 'string', value }),
  /** []byte: null for a nil slice, "" for an empty one. */
  bytes: (value: Uint8Array | null): GoJsonValue => ({ kind: 'bytes', value }),
  int: (n: number | bigint): GoJsonValue => {
    const v = toBigInt(n, 'int');
    if (v < INT64_MIN || v > INT64_MAX) throw new RangeError('int out of int64 range');
    return { kind: 'int', value: v };
  },
  uint: (n: number | bigint): GoJsonValue => {
    const v = toBigInt(n, 'uint');
    if (v < 0n || v > UINT64_MAX) throw new RangeError('uint out of uint64 range');
    return { kind: 'int', value: v };
  },
  bool: (value: boolean): GoJsonValue => ({ kind: 'bool', value }),
  /** A slice: null for a nil slice. */
  array: (value: readonly GoJsonValue[] | null): GoJsonValue => ({ kind: 'array', value }),
  /** A struct: fields in declaration order. */
  object: (fields: readonly GoJsonField[]): GoJsonValue => ({ kind: 'object', fields }),
  /** map[string]T: keys sorted byte-wise on output; null for a nil map. Duplicate keys are a caller bug. */
  map: (entries: Iterable<readonly [string, GoJsonValue]> | Readonly<Record<string, GoJsonValue>> | null): GoJsonValue => {
    if (entries === null) return { kind: 'map', entries: null };
    const list = Symbol.iterator in entries ? [...(entries as Iterable<readonly [string, GoJsonValue]>)] : Object.entries(entries);
    const sorted = [...list].sort((a, b) => utf8Compare(a[0], b[0]));
    for (let i = 1; i < sorted.length; i++) if (sorted[i]![0] === sorted[i - 1]![0]) throw new RangeError('duplicate map key');
    return { kind: 'map', entries: sorted };
  },
};

/** Go's omitempty: false, 0, "", nil, and empty slices/maps are dropped; structs never are. */
function isEmpty(v: GoJsonValue): boolean {
  switch (v.kind) {
    case 'null':
      return true;
    case 'string':
      return v.value.length === 0;
    case 'bytes':
    case 'array':
      return v.value === null || v.value.length === 0;
    case 'int':
      return v.value === 0n;
    case 'bool':
      return !v.value;
    case 'map':
      return v.entries === null || v.entries.length === 0;
    case 'object':
      return false;
  }
}

const HEX = '0123456789abcdef';

/** A JSON string literal exactly as Go's encoder writes it (with HTML escaping, as json.Marshal does). */
export function goQuote(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) {
      switch (c) {
        case 0x22:
          esc = '\\"';
          break;
        case 0x5c:
          esc = '\\\\';
          break;
        case 0x0a:
          esc = '\\n';
          break;
        case 0x0d:
          esc = '\\r';
          break;
        case 0x09:
          esc = '\\t';
          break;
        case 0x08:
          esc = GO_SHORT_ESCAPES_BF ? '\\b' : '\\u0008';
          break;
        case 0x0c:
          esc = GO_SHORT_ESCAPES_BF ? '\\f' : '\\u000c';
          break;
        default:
          esc = `\\u00${HEX[c >> 4]!}${HEX[c & 15]!}`;
      }
    } else if (c === 0x2028 || c === 0x2029) {
      esc = `\\u202${HEX[c & 15]!}`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++; // a valid pair passes through
        continue;
      }
      esc = '\\ufffd'; // a lone surrogate is invalid UTF-8 to Go, which writes the replacement as an escape
    }
    if (esc !== null) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

function encodeInto(v: GoJsonValue, parts: string[]): void {
  switch (v.kind) {
    case 'null':
      parts.push('null');
      return;
    case 'string':
      parts.push(goQuote(v.value));
      return;
    case 'bytes':
      parts.push(v.value === null ? 'null' : `"${toBase64(v.value)}"`);
      return;
    case 'int':
      parts.push(v.value.toString());
      return;
    case 'bool':
      parts.push(v.value ? 'true' : 'false');
      return;
    case 'array':
      if (v.value === null) {
        parts.push('null');
        return;
      }
      parts.push('[');
      v.value.forEach((item, i) => {
        if (i > 0) parts.push(',');
        encodeInto(item, parts);
      });
      parts.push(']');
      return;
    case 'object': {
      parts.push('{');
      let first = true;
      for (const [name, value, tag] of v.fields) {
        if (tag === 'omitempty' && isEmpty(value)) continue;
        if (!first) parts.push(',');
        first = false;
        parts.push(goQuote(name), ':');
        encodeInto(value, parts);
      }
      parts.push('}');
      return;
    }
    case 'map':
      if (v.entries === null) {
        parts.push('null');
        return;
      }
      parts.push('{');
      v.entries.forEach(([k, value], i) => {
        if (i > 0) parts.push(',');
        parts.push(goQuote(k), ':');
        encodeInto(value, parts);
      });
      parts.push('}');
      return;
  }
}

/** json.Marshal(value) as a string. */
export function encodeGoJson(value: GoJsonValue): string {
  const parts: string[] = [];
  encodeInto(value, parts);
  return parts.join('');
}

/** json.Marshal(value) as UTF-8 bytes (what is signed, MACed and sent). */
export function encodeGoJsonBytes(value: GoJsonValue): Uint8Array {
  return utf8(encodeGoJson(value));
}

// ---- Parsing: liberal like Go's Unmarshal (unknown fields ignored, names matched case-insensitively). ----

// ignoreBOM keeps a leading BOM in the text so JSON.parse refuses it, as Go does.
const lossy = new TextDecoder('utf-8', { ignoreBOM: true });

/** Parses bytes (or text) that must hold one JSON object. Never throws; hostile input is an error value. */
export function parseJsonObject(input: Uint8Array | string): Result<Record<string, unknown>> {
  let text: string;
  if (typeof input === 'string') text = input;
  else if (input instanceof Uint8Array) text = lossy.decode(input);
  else return fail('json.type', 'not bytes or text');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail('json.syntax', 'not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail('json.not_object', 'JSON is not an object');
  return ok(parsed as Record<string, unknown>);
}

function fold(s: string): string {
  let out = '';
  for (const ch of s) {
    const f = ch.toUpperCase().toLowerCase();
    out += [...f].length === 1 ? f : ch; // simple folding only, like Go (no ß → ss)
  }
  return out;
}

/**
 * The value Go's Unmarshal would put in struct field `name`: an exact key match or a case-insensitive one; when
 * several keys match, the last one wins (Go assigns each in document order). Undefined when absent.
 */
export function getField(obj: Record<string, unknown>, name: string): unknown {
  const target = fold(name);
  let found: unknown = undefined;
  for (const k of Object.keys(obj)) {
    if (k === name) found = obj[k];
    // Folding keeps the number of code points, so a key more than twice as long (or less than half) in UTF-16
    // can never match: skipping it keeps a hostile 8 KiB key from costing a full fold per lookup.
    else if (k.length <= 2 * name.length && 2 * k.length >= name.length && fold(k) === target) found = obj[k];
  }
  return found;
}

export function getString(obj: Record<string, unknown>, name: string): string | undefined {
  const v = getField(obj, name);
  return typeof v === 'string' ? v : undefined;
}

/** A []byte field: null for JSON null (a nil slice), undefined when absent or not valid padded base64. */
export function getBytes(obj: Record<string, unknown>, name: string): Uint8Array | null | undefined {
  const v = getField(obj, name);
  if (v === null) return null;
  if (typeof v !== 'string') return undefined;
  return fromBase64(v) ?? undefined;
}

/** An integer field within the safe range; undefined otherwise (fractions, exponents beyond 2^53, strings). */
export function getInt(obj: Record<string, unknown>, name: string): number | undefined {
  const v = getField(obj, name);
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
}

export function getBool(obj: Record<string, unknown>, name: string): boolean | undefined {
  const v = getField(obj, name);
  return typeof v === 'boolean' ? v : undefined;
}

export function getObject(obj: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const v = getField(obj, name);
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function getArray(obj: Record<string, unknown>, name: string): unknown[] | undefined {
  const v = getField(obj, name);
  return Array.isArray(v) ? v : undefined;
}
