import { describe, expect, it } from "vitest";
import { evaluate, mapLimit } from "./evaluation";

const p = (expected: string, predicted: string, text = "t") => ({ text, expected, predicted, confidence: 1 });

describe("evaluate", () => {
  it("scores each intent and lists confused pairs, most frequent first", () => {
    const report = evaluate([p("a", "a"), p("a", "b", "x"), p("a", "b", "y"), p("b", "b"), p("c", "a", "z")]);
    expect(report.accuracy).toBeCloseTo(2 / 5);
    const a = report.intents.find((s) => s.intent === "a")!;
    expect(a.precision).toBeCloseTo(1 / 2);
    expect(a.recall).toBeCloseTo(1 / 3);
    expect(report.confusions[0]).toEqual({ expected: "a", predicted: "b", count: 2, texts: ["x", "y"] });
    expect(report.intents.map((s) => s.intent)).not.toContain("fallback");
  });
});

describe("mapLimit", () => {
  it("keeps the input order", async () => {
    expect(await mapLimit([3, 1, 2], 2, async (n) => n * 2)).toEqual([6, 2, 4]);
  });

  it("starts nothing after a failure and rejects only once the tasks in flight have ended", async () => {
    const started: number[] = [];
    const ended: number[] = [];
    const run = mapLimit([0, 1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      started.push(n);
      await new Promise((resolve) => setTimeout(resolve, n === 1 ? 1 : 20));
      if (n === 1) throw new Error("parse failed");
      ended.push(n);
      return n;
    });
    await expect(run).rejects.toThrow("parse failed");
    expect(started).toEqual([0, 1, 2]);
    expect(ended.sort()).toEqual([0, 2]);
  });

  it("tells the tasks in flight to stop when one fails", async () => {
    let aborted = false;
    const run = mapLimit([0, 1], 2, async (n, signal) => {
      if (n === 0) throw new Error("parse failed");
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
      aborted = signal.aborted;
    });
    await expect(run).rejects.toThrow("parse failed");
    expect(aborted).toBe(true);
  });
});
