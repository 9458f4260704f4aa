// Display names are chosen by whoever runs the other end, so they are hostile input twice over: as text for
// the terminal (see safe-text.ts) and as a claim of identity. Cwtch has no name registry (handbook,
// "Misrepresentation Attacks"): the UI can only hint that a name looks like another contact's, so these
// helpers compute the hints — a confusables skeleton and a mixed-script flag.

import { MAX_DISPLAY_NAME_LENGTH } from '../limits.js';
import { fail, ok, type Result } from '../result.js';
import { CONFUSABLES_PACKED } from './confusables-table.js';
import { containsHiddenCharacter, containsTerminalControl, toSafeText, type SafeText } from './safe-text.js';

/** Shown where a name is missing or nothing of it survives cleaning. */
export const NAME_PLACEHOLDER = '(unnamed)';

// White_Space plus the blanks that draw nothing but are not White_Space (braille blank).
const BLANKS = /[\s\u2800]+/gu;
const NAME_SAFE_OPTIONS = { singleLine: true, maxLength: 4 * MAX_DISPLAY_NAME_LENGTH, maxLineLength: 4 * MAX_DISPLAY_NAME_LENGTH } as const;

function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Check a display name strictly (for one the user types, or to decide whether a peer's name needs a
 * warning): one line, no control or invisible character, whitespace trimmed and inner runs collapsed to
 * one space, at most MAX_DISPLAY_NAME_LENGTH code points, NFC. Codes: name.type, name.control,
 * name.invisible, name.empty, name.length, name.unsafe (a mark tower, a lone surrogate, a stray selector).
 */
export function validateDisplayName(raw: string): Result<SafeText> {
  if (typeof raw !== 'string') return fail('name.type', 'a name must be text');
  if (containsTerminalControl(raw) || raw.includes('\n')) return fail('name.control', 'a name cannot contain control characters or line breaks');
  if (hasHiddenOutsideEmoji(raw)) return fail('name.invisible', 'a name cannot contain invisible or direction-changing characters');
  const folded = raw.normalize('NFC').replace(BLANKS, ' ').trim();
  if (folded === '') return fail('name.empty', 'a name cannot be empty');
  if (codePointLength(folded) > MAX_DISPLAY_NAME_LENGTH) return fail('name.length', `a name has at most ${MAX_DISPLAY_NAME_LENGTH} characters`);
  const safe = toSafeText(folded, NAME_SAFE_OPTIONS);
  if (safe !== folded) return fail('name.unsafe', 'a name cannot contain stacked marks or broken characters');
  return ok(safe);
}

const HIDDEN_ALL = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}\uD800-\uDFFF]/gu;

/** Hidden characters SafeText would drop; the ones it keeps on purpose (a ZWJ inside an emoji) are fine. */
function hasHiddenOutsideEmoji(raw: string): boolean {
  if (!containsHiddenCharacter(raw)) return false;
  const count = (s: string): number => s.match(HIDDEN_ALL)?.length ?? 0;
  return count(raw) !== count(toSafeText(raw, NAME_SAFE_OPTIONS));
}

/**
 * A name fit to show, whatever arrived: the valid name, or what survives cleaning (controls and
 * invisibles dropped, whitespace collapsed, cut to MAX_DISPLAY_NAME_LENGTH with "…"), or NAME_PLACEHOLDER.
 */
export function displayName(raw: string): SafeText {
  const valid = validateDisplayName(raw);
  if (valid.ok) return valid.value;
  const cleaned = toSafeText(typeof raw === 'string' ? raw : '', NAME_SAFE_OPTIONS).normalize('NFC').replace(BLANKS, ' ').trim();
  const points = [...cleaned];
  const cut = points.length > MAX_DISPLAY_NAME_LENGTH ? points.slice(0, MAX_DISPLAY_NAME_LENGTH - 1).join('').trimEnd() + '…' : cleaned;
  const safe = toSafeText(cut, NAME_SAFE_OPTIONS);
  return safe === '' ? toSafeText(NAME_PLACEHOLDER) : safe;
}

// ---------------------------------------------------------------------------------------------------
// Skeletons (UTS #39 §4, extended for names).

let confusables: Map<number, string> | undefined;

function confusableMap(): Map<number, string> {
  if (confusables) return confusables;
  const m = new Map<number, string>();
  let cp = 0;
  for (const entry of CONFUSABLES_PACKED.split(',')) {
    const colon = entry.indexOf(':');
    cp += parseInt(entry.slice(0, colon), 36);
    const target = entry.slice(colon + 1);
    m.set(cp, target === '' ? '' : String.fromCodePoint(...target.split('.').map((t) => parseInt(t, 36))));
  }
  // Digits people read as letters. confusables.txt has 0→O and 1→l; leetspeak adds the rest.
  for (const [from, to] of [['2', 'z'], ['3', 'e'], ['4', 'a'], ['5', 's'], ['6', 'b'], ['7', 't'], ['8', 'b'], ['9', 'g'], ['i', 'l'], ['!', 'l']] as const) {
    m.set(from.codePointAt(0)!, to);
  }
  confusables = m;
  return m;
}

const MARKS = /\p{M}/gu;

function mapOnce(s: string): string {
  const m = confusableMap();
  let out = '';
  for (const ch of s.normalize('NFKD').replace(MARKS, '')) out += m.get(ch.codePointAt(0)!) ?? ch;
  // Full case folding is not in JS; upper-then-lower folds ß, ς, ſ and dotless ı the same way.
  return out.toUpperCase().toLowerCase().normalize('NFKD').replace(MARKS, '');
}

/**
 * The form two names share when they look alike: invisible characters dropped, NFKC, whitespace removed,
 * each character replaced by its confusables.txt prototype, digits mapped to the letters they pass for
 * (0→o, 1/i/!→l, 5→s, …), case folded and diacritics dropped, repeated until nothing changes. Mapping
 * comes before case folding so that capital I (which confusables.txt maps to l) matches l, as it looks.
 * For comparison only: never show a skeleton.
 */
export function nameSkeleton(name: string): string {
  let s = toSafeText(name, NAME_SAFE_OPTIONS).normalize('NFKC').replace(BLANKS, '');
  for (let i = 0; i < 4; i++) {
    const next = mapOnce(s);
    if (next === s) break;
    s = next;
  }
  return s;
}

/** Ids of the other contacts whose names look like `name` (same skeleton), identical names included. */
export function findLookalikes(name: string, others: readonly { readonly id: string; readonly name: string }[]): string[] {
  const mine = nameSkeleton(name);
  if (mine === '') return [];
  return others.filter((o) => nameSkeleton(o.name) === mine).map((o) => o.id);
}

// ---------------------------------------------------------------------------------------------------
// Mixed scripts (UTS #39 §5.1): the intersection of every character's Script_Extensions, with Common and
// Inherited counting as every script and Han, Hiragana, Katakana, Hangul and Bopomofo augmented so that
// Japanese, Korean and Chinese text counts as one script each.

const SCRIPT_NAMES = (
  'Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali ' +
  'Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian ' +
  'Chakma Cham Cherokee Chorasmian Coptic Cuneiform Cypriot Cypro_Minoan Cyrillic Deseret Devanagari ' +
  'Dives_Akuru Dogra Duployan Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic Georgian Glagolitic Gothic ' +
  'Grantha Greek Gujarati Gunjala_Gondi Gurmukhi Han Hangul Hanifi_Rohingya Hanunoo Hatran Hebrew ' +
  'Hiragana Imperial_Aramaic Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi Kannada ' +
  'Katakana Kawi Kayah_Li Kharoshthi Khitan_Small_Script Khmer Khojki Khudawadi Lao Latin Lepcha Limbu ' +
  'Linear_A Linear_B Lisu Lycian Lydian Mahajani Makasar Malayalam Mandaic Manichaean Marchen ' +
  'Masaram_Gondi Medefaidrin Meetei_Mayek Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs Miao Modi ' +
  'Mongolian Mro Multani Myanmar Nabataean Nag_Mundari Nandinagari New_Tai_Lue Newa Nko Nushu ' +
  'Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Old_Hungarian Old_Italic Old_North_Arabian Old_Permic ' +
  'Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Old_Uyghur Oriya Osage Osmanya Pahawh_Hmong ' +
  'Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic Samaritan Saurashtra Sharada ' +
  'Shavian Siddham SignWriting Sinhala Sogdian Sora_Sompeng Soyombo Sundanese Syloti_Nagri Syriac ' +
  'Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Takri Tamil Tangsa Tangut Telugu Thaana Thai Tibetan ' +
  'Tifinagh Tirhuta Toto Ugaritic Vai Vithkuqi Wancho Warang_Citi Yezidi Yi Zanabazar_Square '
).trim().split(' ');

const AUGMENT: Readonly<Record<string, readonly string[]>> = {
  Han: ['Hanb', 'Jpan', 'Kore'],
  Hiragana: ['Jpan'],
  Katakana: ['Jpan'],
  Hangul: ['Kore'],
  Bopomofo: ['Hanb'],
};

const ANY_SCRIPT = /[\p{scx=Common}\p{scx=Inherited}]/u;
let scriptTests: [string, RegExp][] | undefined;
const scriptCache = new Map<number, ReadonlySet<string> | null>();

/** A character's augmented script set, or null for "any script" (Common, Inherited). */
function scriptsOf(ch: string): ReadonlySet<string> | null {
  const cp = ch.codePointAt(0)!;
  const cached = scriptCache.get(cp);
  if (cached !== undefined) return cached;
  let result: Set<string> | null = null;
  if (!ANY_SCRIPT.test(ch)) {
    scriptTests ??= SCRIPT_NAMES.map((n) => [n, new RegExp(`^\\p{scx=${n}}$`, 'u')]);
    result = new Set<string>();
    for (const [n, re] of scriptTests) {
      if (!re.test(ch)) continue;
      result.add(n);
      for (const a of AUGMENT[n] ?? []) result.add(a);
    }
    if (result.size === 0) result.add('Unknown');
  }
  if (scriptCache.size < 4096) scriptCache.set(cp, result);
  return result;
}

/** True if the name's letters come from scripts that no single writing system uses together (аlice: Cyrillic а + Latin). */
export function isMixedScript(name: string): boolean {
  let common: Set<string> | null = null;
  for (const ch of toSafeText(name, NAME_SAFE_OPTIONS)) {
    const s = scriptsOf(ch);
    if (s === null) continue;
    if (common === null) common = new Set(s);
    else for (const x of common) if (!s.has(x)) common.delete(x);
    if (common.size === 0) return true;
  }
  return false;
}
