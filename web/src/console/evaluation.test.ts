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
});
