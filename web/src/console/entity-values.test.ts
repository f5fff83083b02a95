import { describe, expect, it } from "vitest";
import { SHOWN_VALUE_CHARS, chipText, entitiesToShow, valueText } from "./entity-values";

describe("entity values", () => {
  it("shows text as it is and anything else as JSON", () => {
    expect(valueText("large")).toBe("large");
    expect(valueText(3)).toBe("3");
    expect(valueText({ date: "2026-12-03" })).toBe('{"date":"2026-12-03"}');
    expect(valueText(null)).toBe("null");
    expect(valueText(undefined)).toBe("–");
  });

  it("cuts a long value, whole in the title", () => {
    const long = "x".repeat(SHOWN_VALUE_CHARS + 10);
    const text = chipText({ entity: "note", value: long });
    expect(text).toBe(`note=${"x".repeat(SHOWN_VALUE_CHARS - 1)}…`);
    expect(chipText({ entity: "size", value: "large" })).toBe("size=large");
  });

  it("shows each entity and value once and leaves out what names no entity", () => {
    const shown = entitiesToShow([
      { entity: "size", value: "large", start: 2, end: 7 },
      { entity: "size", value: "large", start: 20, end: 25 },
      { entity: "size", value: "small", start: 30, end: 35 },
      { value: "nameless" },
      "junk",
      null,
    ]);
    expect(shown.map(chipText)).toEqual(["size=large", "size=small"]);
    expect(entitiesToShow(undefined)).toEqual([]);
  });
});
