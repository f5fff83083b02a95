// Turning the analytics API's sparse daily rows into dense, chart-ready series. Pure.

import type { AnalyticsDay } from "./types";

/** Every ISO day from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

export interface Totals {
  turns: number;
  conversations: number;
  fallbackRate: number;
  meanConfidence: number | null;
  meanLatencyMs: number | null;
  completed: number;
}

export function totals(rows: AnalyticsDay[]): Totals {
  const turns = rows.reduce((s, r) => s + r.turns, 0);
  const weighted = (pick: (r: AnalyticsDay) => number | null): number | null =>
    turns ? rows.reduce((s, r) => s + (pick(r) ?? 0) * r.turns, 0) / turns : null;
  return {
    turns,
    conversations: rows.reduce((s, r) => s + r.conversations, 0),
    fallbackRate: weighted((r) => r.fallback_rate) ?? 0,
    meanConfidence: weighted((r) => r.mean_confidence),
    meanLatencyMs: weighted((r) => r.mean_latency_ms),
    completed: rows.reduce((s, r) => s + r.completed, 0),
  };
}

/** The server's key for turns without an intent (no intent id starts with "_"). */
export const NO_INTENT = "_none";

/** The `top` intents over the period, each as a daily series, and everything else as "other";
 * turns without an intent are "(no intent)". */
export function topIntentSeries(days: string[], rows: AnalyticsDay[], top = 5): { name: string; values: number[] }[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const sums = new Map<string, number>();
  for (const row of rows) for (const [name, count] of Object.entries(row.intents)) sums.set(name, (sums.get(name) ?? 0) + count);
  const names = [...sums.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, top).map(([name]) => name);
  const series = names.map((name) => ({
    name: name === NO_INTENT ? "(no intent)" : name,
    values: days.map((d) => byDay.get(d)?.intents[name] ?? 0),
  }));
  const other = days.map((d) => {
    const row = byDay.get(d);
    if (!row) return 0;
    return Object.entries(row.intents).reduce((s, [name, count]) => s + (names.includes(name) ? 0 : count), 0);
  });
  if (other.some((v) => v > 0)) series.push({ name: "other", values: other });
  return series;
}

export function dailySeries(days: string[], rows: AnalyticsDay[], pick: (row: AnalyticsDay) => number | null): number[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return days.map((d) => {
    const row = byDay.get(d);
    return row ? (pick(row) ?? 0) : 0;
  });
}
