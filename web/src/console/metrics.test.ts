import { describe, expect, it } from "vitest";
import { evaluationAdvice, evaluationRows, metricRow, withWrongRate } from "./metrics";

// A training job's metrics as services/nlu evaluation.py writes them (helper-c's dentist2).
const JOB = {
  accuracy: 0.9545,
  in_scope_accuracy: 0.7273,
  fallback_rate: 0.2727,
  macro_f1: 0.71,
  held_out: 22,
  oos_recall: 0.8,
  left_out: 22,
  quality: 0.7636,
  threshold: 0.5,
  examples: 26,
  temperature: 0.278,
  wording_weight: 0,
  intents: 5,
  train_seconds: 2.31,
};

describe("metricRow", () => {
  it("labels the evaluation's rates and shows them as percentages", () => {
    expect(metricRow("macro_f1", 0.2222)).toEqual(["Macro F1 (mean over intents)", "22.2 %"]);
    expect(metricRow("oos_recall", 0.5)).toEqual(["Left-out intents sent to fallback", "50.0 %"]);
    expect(metricRow("quality", 0.75)[1]).toBe("75.0 %");
    expect(metricRow("left_out", 12)).toEqual(["Left-out intents' examples", "12"]);
  });

  it("shows a metric it does not know by its key", () => {
    expect(metricRow("new_score", 0.123456)).toEqual(["new score", "0.1235"]);
  });
});

describe("evaluationRows", () => {
  it("leads with what users get at the threshold and keeps the rest, settings included, for the details", () => {
    const { headline, details } = evaluationRows(JOB);
    expect(headline.map((r) => [r.label, r.shown])).toEqual([
      ["Right intent", "72.7 %"],
      ["Sent to fallback", "27.3 %"],
      ["Wrong intent", "0.0 %"],
      ["Left-out intents sent to fallback", "80.0 %"],
    ]);
    expect(details.map((r) => r.key)).toEqual([
      "accuracy", "macro_f1", "quality", "examples", "held_out", "left_out", "intents", "train_seconds", "threshold", "temperature", "wording_weight",
    ]);
    expect(details.find((r) => r.key === "accuracy")?.label).toBe("Top intent right, were there no fallback");
    expect(details.find((r) => r.key === "temperature")?.label).toBe("Calibration temperature (set by training)");
  });

  it("has no headline for metrics without the figures at the threshold (older models)", () => {
    expect(evaluationRows({ accuracy: 0.9 })).toEqual({ headline: [], details: [{ key: "accuracy", label: "Top intent right, were there no fallback", shown: "90.0 %" }] });
  });
});

describe("withWrongRate", () => {
  it("is the share neither right nor sent to fallback, never below zero", () => {
    expect(withWrongRate({ in_scope_accuracy: 0.7, fallback_rate: 0.2 }).wrong_rate).toBe(0.1);
    expect(withWrongRate({ in_scope_accuracy: 0.7273, fallback_rate: 0.2728 }).wrong_rate).toBe(0);
    expect(withWrongRate({ accuracy: 0.9 })).toEqual({ accuracy: 0.9 });
  });
});

describe("evaluationAdvice", () => {
  it("says what to do when the bot's own examples go to the fallback or to other intents", () => {
    const [fallback, ...rest] = evaluationAdvice(JOB);
    expect(fallback).toMatch(/^27\.3 % of the bot's own examples, each held out of training, go to the fallback/);
    expect(fallback).toContain("lower the fallback threshold in Settings");
    expect(rest).toEqual([]);
    expect(evaluationAdvice({ in_scope_accuracy: 0.6, fallback_rate: 0.05 })).toEqual([expect.stringMatching(/^35\.0 % get another intent/)]);
  });

  it("says nothing when few are lost", () => {
    expect(evaluationAdvice({ in_scope_accuracy: 0.95, fallback_rate: 0.05 })).toEqual([]);
  });
});
