// The day's data budget for metered links (README "Low-bandwidth mode"): bytes a day that low-bandwidth syncs may
// spend before they stop and ask. The count is every byte the engine's streams carry (sent + received, as the
// meter sees them) since local midnight; it is kept in each open profile so a restart resumes it.

import type { Clock } from '../../core/ports.js';

/** One profile's record of the day's count: the local day (YYYY-MM-DD) and its bytes. */
export interface DayRecord {
  readonly day: string;
  readonly bytes: number;
}

/** The local calendar day of `ms` (people's "today", not UTC's). */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export class DataBudget {
  private perDay = 0;
  private day: string;
  private used = 0;

  constructor(
    private readonly clock: Clock,
    private readonly dayOf: (ms: number) => string = localDay,
  ) {
    this.day = dayOf(clock.now());
  }

  /** Bytes a day; 0: no budget. */
  get budget(): number {
    return this.perDay;
  }

  set budget(bytesPerDay: number) {
    this.perDay = bytesPerDay;
  }

  add(bytes: number): void {
    this.roll();
    this.used += bytes;
  }

  /** Bytes spent today. */
  get today(): number {
    this.roll();
    return this.used;
  }

  /**
   * A profile's record from an earlier run: the same day's count carries on. Every open profile records the same
   * engine-wide count, so several records of one day are the same bytes: the larger is kept, never the sum.
   */
  restore(r: DayRecord): void {
    this.roll();
    if (r.day === this.day && r.bytes > this.used) this.used = r.bytes;
  }

  record(): DayRecord {
    this.roll();
    return { day: this.day, bytes: this.used };
  }

  /** Whether spending `more` bytes now would go past the budget (never, without one). */
  wouldExceed(more: number): boolean {
    return this.perDay > 0 && this.today + more > this.perDay;
  }

  /** Whether today's bytes have reached the budget. */
  get reached(): boolean {
    return this.perDay > 0 && this.today >= this.perDay;
  }

  private roll(): void {
    const d = this.dayOf(this.clock.now());
    if (d === this.day) return;
    this.day = d;
    this.used = 0;
  }
}

/** A record read back from a profile's setting, or null when it is missing or not one (never throws). */
export function decodeDayRecord(bytes: Uint8Array | null): DayRecord | null {
  if (bytes === null) return null;
  try {
    const v: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    if (typeof v !== 'object' || v === null) return null;
    const { day, bytes: n } = v as Record<string, unknown>;
    if (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day) || typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return null;
    return { day, bytes: n };
  } catch {
    return null;
  }
}

export function encodeDayRecord(r: DayRecord): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(r));
}

/** A budget setting read back (a non-negative safe integer as text), or null. */
export function decodeBudget(bytes: Uint8Array | null): number | null {
  if (bytes === null) return null;
  const t = new TextDecoder().decode(bytes);
  if (!/^\d{1,16}$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

export function encodeBudget(n: number): Uint8Array {
  return new TextEncoder().encode(String(n));
}

/** What a profile keeps of the budget (profile-runtime.ts). */
interface BudgetKeeper {
  budgetSettings(): { readonly perDay: number | null; readonly day: DayRecord | null };
  saveBudget(perDay: number): void;
}

/**
 * A newly opened profile's budget is taken up when none is set (as low-bandwidth mode is), its day's count carries
 * on, and the other open profiles (`open`) remember what is now the budget.
 */
export function adoptBudget(budget: DataBudget, r: BudgetKeeper, open: readonly BudgetKeeper[]): void {
  const { perDay, day } = r.budgetSettings();
  if (day !== null) budget.restore(day);
  if (budget.budget === 0 && perDay !== null && perDay > 0) {
    budget.budget = perDay;
    for (const o of open) if (o !== r) o.saveBudget(perDay);
  } else if (budget.budget > 0 && perDay !== budget.budget) {
    r.saveBudget(budget.budget);
  }
}
