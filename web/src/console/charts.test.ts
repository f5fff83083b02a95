import { describe, expect, it } from "vitest";
import { axisTicks, labelEvery } from "./components/charts";

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

describe("chart y axis ticks", () => {
  it("labels an axis of counts only at whole numbers", () => {
    expect(axisTicks(1, true)).toEqual([0, 1]);
    expect(axisTicks(5, true)).toEqual([0, 5]);
    expect(axisTicks(2, true)).toEqual([0, 1, 2]);
    expect(axisTicks(50, true)).toEqual([0, 25, 50]);
  });

  it("labels an axis of rates at its middle too", () => {
    expect(axisTicks(1, false)).toEqual([0, 0.5, 1]);
  });
});
