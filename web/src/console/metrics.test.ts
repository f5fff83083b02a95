import { describe, expect, it } from "vitest";
import { metricRow } from "./metrics";

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
