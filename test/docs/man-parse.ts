// Just enough of roff (man macros) and of meow's --help layout to check documentation completeness.
// Not a renderer: it turns each `.TP` item into its head text and body words.

export interface RoffItem {
  /** The tag line of a `.TP` item as plain text, e.g. "--home DIR". */
  readonly head: string;
  /** The paragraph under the tag, plain text. */
  readonly body: string;
  /** Identifier-like words of the body (fields, values). */
  readonly words: readonly string[];
}

export interface RoffSection {
  readonly text: string;
  /** Items directly in the section, and per `.SS` subsection. */
  readonly items: readonly RoffItem[];
  readonly sub: ReadonlyMap<string, readonly RoffItem[]>;
}

export interface RoffPage {
  readonly title: string;
  readonly sections: ReadonlyMap<string, RoffSection>;
  /** Items of a section (or of one of its subsections); [] when absent. */
  items(section: string, subsection?: string): readonly RoffItem[];
}

const ESCAPES: readonly [RegExp, string][] = [
  [/\\-/g, '-'],
  [/\\&/g, ''],
  [/\\\(dq/g, '"'],
  [/\\\(mu/g, '×'],
  [/\\\(en/g, '–'],
  [/\\\(->/g, '→'],
  [/\\\(<-/g, '←'],
  [/\\f[BIRP]/g, ''],
  [/\\e/g, '\\'],
];

function unescape(s: string): string {
  return ESCAPES.reduce((acc, [re, to]) => acc.replace(re, to), s);
}

/** Roff macro arguments: space separated, double quotes group. */
function macroArgs(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"]|"")*)"|(\S+)/g;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) out.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!);
  return out;
}

/** One input line as the text it shows (font macros resolved); null for layout-only requests. */
function lineText(line: string): string | null {
  if (line.startsWith('.\\"') || line.startsWith("'\\\"")) return null;
  if (!line.startsWith('.')) return unescape(line);
  const m = /^\.(\w+)\s*(.*)$/.exec(line);
  if (!m) return null;
  const [, macro, rest] = m as unknown as [string, string, string];
  const args = macroArgs(rest);
  if (macro === 'B' || macro === 'I' || macro === 'SM') return unescape(args.join(' '));
  if (/^(BI|BR|IB|IR|RB|RI)$/.test(macro)) return unescape(args.join(''));
  return null;
}

const ITEM_BREAK = /^\.(TP|SS|SH|PP|P|LP|IP|RS|RE)\b/;

export function parseRoff(src: string): RoffPage {
  const lines = src.split('\n');
  const sections = new Map<string, { text: string[]; items: RoffItem[]; sub: Map<string, RoffItem[]> }>();
  let title = '';
  let cur: { text: string[]; items: RoffItem[]; sub: Map<string, RoffItem[]> } | null = null;
  let curSub: RoffItem[] | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('.TH ')) title = macroArgs(line.slice(4))[0] ?? '';
    if (line.startsWith('.SH ')) {
      cur = { text: [], items: [], sub: new Map() };
      curSub = null;
      sections.set(unescape(macroArgs(line.slice(4)).join(' ')), cur);
      continue;
    }
    if (cur === null) continue;
    if (line.startsWith('.SS ')) {
      curSub = [];
      cur.sub.set(unescape(macroArgs(line.slice(4)).join(' ')), curSub);
      continue;
    }
    if (/^\.TP\b/.test(line)) {
      const head = lineText(lines[++i] ?? '') ?? '';
      const body: string[] = [];
      while (i + 1 < lines.length && !ITEM_BREAK.test(lines[i + 1]!)) {
        const t = lineText(lines[++i]!);
        if (t !== null) body.push(t);
      }
      const text = body.join(' ');
      const item: RoffItem = { head: head.trim(), body: text, words: text.match(/[A-Za-z][\w.-]*[\w]|[A-Za-z]/g) ?? [] };
      (curSub ?? cur.items).push(item);
      cur.text.push(head, text);
      continue;
    }
    const t = lineText(line);
    if (t !== null) cur.text.push(t);
  }
  const out = new Map<string, RoffSection>();
  for (const [k, v] of sections) out.set(k, { text: v.text.join('\n'), items: v.items, sub: v.sub });
  return {
    title,
    sections: out,
    items: (section, subsection) => {
      const s = out.get(section);
      if (s === undefined) return [];
      return subsection === undefined ? s.items : (s.sub.get(subsection) ?? []);
    },
  };
}

/** Every `--flag` of meow's help text: the leading column of each line that starts with "--". */
export function helpFlags(help: string): string[] {
  const flags = new Set<string>();
  for (const line of help.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('--')) continue;
    const lead = t.split(/\s{2,}/)[0]!;
    for (const f of lead.match(/--[a-z][a-z-]*/g) ?? []) flags.add(f);
  }
  return [...flags];
}

/** Subcommands from the Usage lines: `$ bin NAME …` where NAME is a word, not an option. */
export function helpSubcommands(help: string, bin: string): string[] {
  const subs = new Set<string>();
  const re = new RegExp(`\\$ ${bin.replace(/[-]/g, '\\-')} ([a-z][a-z-]*)`, 'g');
  for (let m = re.exec(help); m !== null; m = re.exec(help)) subs.add(m[1]!);
  return [...subs];
}

export function helpEnv(help: string): string[] {
  return [...new Set(help.match(/\b(?:CWTCH_[A-Z_]+|NO_COLOR)\b/g) ?? [])];
}

/**
 * Event name → its fields, from the source of src/core/api/events.ts: each union member is
 * `(Base & { readonly event: 'name'; readonly field: …; … })`.
 */
export function eventFields(source: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const chunk of source.split('(Base &').slice(1)) {
    const member = chunk.slice(0, chunk.indexOf('})'));
    const name = /event: '([^']+)'/.exec(member)?.[1];
    if (name === undefined) continue;
    const fields = [...member.matchAll(/readonly (\w+)\??:/g)].map((m) => m[1]!).filter((f) => f !== 'event');
    out.set(name, fields);
  }
  return out;
}

/** The lines of the README's first fenced code block, exactly as written. */
export function readmeFirstCodeBlock(readme: string): string[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.startsWith('```'));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.startsWith('```'));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}
