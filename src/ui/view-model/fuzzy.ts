// Quick-switcher matching (senpai's Ctrl+K): every query character must appear in order; earlier,
// contiguous and word-start matches score higher.

export function fuzzyScore(query: string, candidate: string): number | undefined {
  const q = query.toLowerCase();
  const c = candidate.toLowerCase();
  if (q.length === 0) return 0;
  let score = 0;
  let from = 0;
  let prev = -2;
  for (const ch of q) {
    const i = c.indexOf(ch, from);
    if (i < 0) return undefined;
    score += 1;
    if (i === prev + 1) score += 3;
    if (i === 0 || c[i - 1] === ' ') score += 2;
    score -= Math.min(i - from, 5) * 0.1;
    prev = i;
    from = i + 1;
  }
  return score;
}

/** Items ranked best first; items that do not match are left out. Ties keep the input order. */
export function fuzzyFilter<T>(query: string, items: readonly T[], text: (t: T) => string): T[] {
  const scored: { t: T; s: number; i: number }[] = [];
  items.forEach((t, i) => {
    const s = fuzzyScore(query, text(t));
    if (s !== undefined) scored.push({ t, s, i });
  });
  scored.sort((a, b) => b.s - a.s || a.i - b.i);
  return scored.map((x) => x.t);
}
