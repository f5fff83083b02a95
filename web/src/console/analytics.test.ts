import { describe, expect, it } from "vitest";
import { niceMax } from "./components/charts";
import { daysBetween, topIntentSeries, totals } from "./analytics";
import type { AnalyticsDay } from "./types";

const row = (day: string, turns: number, fallbackRate: number, intents: Record<string, number>): AnalyticsDay => ({
  day, turns, conversations: 1, fallback_rate: fallbackRate, mean_confidence: 0.9, mean_latency_ms: 10,
  completed: 0, models_published: 0, intents, channels: {},
});

describe("analytics series", () => {
  it("fills every day of the range", () => {
    expect(daysBetween("2026-02-27", "2026-03-02")).toEqual(["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]);
  });

  it("weights the fallback rate by turns", () => {
    expect(totals([row("2026-01-01", 9, 0, {}), row("2026-01-02", 1, 1, {})]).fallbackRate).toBeCloseTo(0.1);
  });

  it("keeps the top intents and folds the rest into other", () => {
    const rows = [row("2026-01-01", 6, 0, { a: 3, b: 2, c: 1 })];
    expect(topIntentSeries(["2026-01-01", "2026-01-02"], rows, 2)).toEqual([
      { name: "a", values: [3, 0] },
      { name: "b", values: [2, 0] },
      { name: "other", values: [1, 0] },
    ]);
  });

  it("names turns without an intent as such", () => {
    const rows = [row("2026-01-01", 3, 0, { _none: 2, greet: 1 })];
    expect(topIntentSeries(["2026-01-01"], rows).map((s) => s.name)).toEqual(["(no intent)", "greet"]);
  });

  it("rounds axis maxima up", () => {
    expect([0, 0.3, 7, 12, 480].map(niceMax)).toEqual([1, 0.5, 10, 20, 500]);
  });
});
