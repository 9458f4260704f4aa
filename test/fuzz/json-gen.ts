// Structure-aware JSON: objects with the field names a decoder looks for (in Go's case-insensitive spellings,
// duplicated, reordered) whose values are hostile: wrong types, huge numbers, bad base64, lone surrogates, nesting.

import fc from 'fast-check';

const b64 = (b: Uint8Array): string => btoa(String.fromCharCode(...b));

/** Standard base64 of n random bytes, sometimes made non-canonical or unpadded. */
export function base64Text(lengths: readonly number[] = [0, 1, 16, 31, 32, 33, 63, 64, 65]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...lengths), fc.uint8Array({ minLength: 70, maxLength: 70 }), fc.nat(5))
    .map(([n, bytes, how]) => {
      const s = b64(bytes.subarray(0, n));
      if (how === 0) return s.replace(/=+$/, ''); // unpadded
      if (how === 1 && s.endsWith('==')) return s.slice(0, -3) + 'B=='; // non-zero trailing bits
      if (how === 2) return s.replace(/\+/g, '-').replace(/\//g, '_'); // URL alphabet
      if (how === 3) return ` ${s}\n`;
      return s;
    });
}

/** Deeply nested arrays or objects (JSON.parse must cope; decoders must not recurse into them unboundedly). */
export const deepJson: fc.Arbitrary<string> = fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.boolean()).map(([d, obj]) =>
  obj ? '{"a":'.repeat(d) + '1' + '}'.repeat(d) : '['.repeat(d) + ']'.repeat(d),
);

export const hostileScalar: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'null', 'true', 'false', '0', '-0', '1', '-1', '2', '3', '4', '5', '100', '101', '10', '2147483647', '2147483648', '-2147483649',
    '9007199254740991', '9007199254740993', '1e309', '-1e309', '1.5', '1e2', '0.0', '1E400', '""', '"\\ud800"', '"\\u0000"',
    '"\\udc00\\ud800"', '"\u2028"', '"\\"', '[]', '{}', '[null]', '{"":null}',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => JSON.stringify(s)),
  fc.integer().map(String),
  fc.double().map((d) => (Number.isFinite(d) ? String(d) : '1e999')),
  base64Text().map((s) => JSON.stringify(s)),
);

export function jsonValue(extra: readonly fc.Arbitrary<string>[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: hostileScalar },
    { weight: 1, arbitrary: deepJson },
    { weight: 2, arbitrary: fc.array(hostileScalar, { maxLength: 5 }).map((a) => `[${a.join(',')}]`) },
    ...extra.map((arbitrary) => ({ weight: 4, arbitrary })),
  );
}

/** Spellings Go's case-insensitive field matching accepts (and a few it should not confuse). */
function keyVariants(name: string): string[] {
  return [
    name,
    name.toLowerCase(),
    name.toUpperCase(),
    name.replace(/k/gi, '\u212a'), // Kelvin sign folds to k
    name.replace(/s/gi, '\u017f'), // long s folds to s
    name + ' ',
    '__proto__',
    'constructor',
  ];
}

export type FieldSpec = readonly [name: string, value: fc.Arbitrary<string>];

/** A JSON object text over `fields`: each field absent, present once or twice, keys in odd spellings, odd spacing. */
export function jsonObject(fields: readonly FieldSpec[]): fc.Arbitrary<string> {
  const member = fc.oneof(
    ...fields.map(([name, value]) =>
      fc.tuple(fc.constantFrom(...keyVariants(name)), fc.nat(9), jsonValue([value])).map(([k, pick, v]) => `${JSON.stringify(pick < 6 ? name : k)}:${v}`),
    ),
  );
  return fc
    .tuple(fc.array(member, { maxLength: fields.length + 2 }), fc.constantFrom('', ' ', '\n', '\t', '\r\n'), fc.nat(7))
    .map(([members, ws, tail]) => {
      const body = `{${ws}${members.join(`,${ws}`)}${ws}}`;
      if (tail === 0) return body + 'x'; // trailing garbage
      if (tail === 1) return '\ufeff' + body; // BOM
      if (tail === 2) return body.slice(0, Math.max(0, body.length - 1)); // truncated
      return body;
    });
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
