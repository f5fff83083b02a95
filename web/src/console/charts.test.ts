import { describe, expect, it } from "vitest";
import { labelEvery } from "./components/charts";

describe("chart day labels", () => {
  it("labels every day when there is room", () => {
    expect(labelEvery(7, 586)).toBe(1);
  });

  it("skips days on a narrow chart, as many as it takes to fit", () => {
    // A phone (375 px): a 286 px plot has room for 7 labels.
    expect(labelEvery(30, 286)).toBe(5);
    expect(labelEvery(90, 286)).toBe(13);
    expect(labelEvery(30, 586)).toBe(3);
  });

  it("labels only the first day of a chart too narrow for two labels", () => {
    expect(labelEvery(30, 10)).toBe(30);
  });
});
