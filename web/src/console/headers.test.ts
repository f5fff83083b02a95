import { describe, expect, it } from "vitest";
import { followDraft, formatHeaders, headersBox, readHeaders, typeHeaders, unreadHeaders } from "./headers";
import type { Intent } from "./types";

describe("readHeaders", () => {
  it("reads one “Name: value” per line, skipping blank lines and outer spaces", () => {
    expect(readHeaders("X-Token: abc\n\n  Accept :  application/json \r\nX-Empty:")).toEqual({
      headers: { "X-Token": "abc", Accept: "application/json", "X-Empty": "" },
      problem: null,
    });
    expect(readHeaders("Authorization: Bearer a:b")).toEqual({ headers: { Authorization: "Bearer a:b" }, problem: null });
    expect(readHeaders("")).toEqual({ headers: {}, problem: null });
  });

  it("refuses a line without a colon, naming it, instead of dropping it", () => {
    expect(readHeaders("X-Token: abc\nBroken header line")).toEqual({
      headers: null,
      problem: "Line 2 (“Broken header line”) has no colon: write each header as “Name: value”.",
    });
  });

  it("refuses a line without a name", () => {
    expect(readHeaders(": abc").problem).toBe("Line 1 (“: abc”) has no name before its colon: write each header as “Name: value”.");
  });

  it("refuses a header given twice, whatever its case, since the second would replace the first", () => {
    expect(readHeaders("X-Token: a\nx-token: b").problem).toBe("Line 2 (“x-token: b”) gives the header x-token again (line 1): keep one.");
  });

  it("reads back what formatHeaders writes", () => {
    const headers = { "X-Token": "abc", Accept: "text/plain" };
    expect(readHeaders(formatHeaders(headers)).headers).toEqual(headers);
  });
});

describe("the headers box", () => {
  it("writes what it reads to the draft, and keeps its text while the draft holds that", () => {
    const { box, write } = typeHeaders(headersBox({ "X-Token": "abc" }), "X-Token: abc\nX-Other: 1\n");
    expect(write).toEqual({ "X-Token": "abc", "X-Other": "1" });
    expect(followDraft(box, write)).toBe(box);
    expect(box.text).toBe("X-Token: abc\nX-Other: 1\n");
  });

  it("shows the draft's headers once they change from outside (Discard, Reload)", () => {
    const { box } = typeHeaders(headersBox({ "X-Token": "abc" }), "X-Token: CHANGED");
    expect(followDraft(box, { "X-Token": "abc" })).toEqual({ text: "X-Token: abc", drafted: "X-Token: abc", problem: null });
    expect(followDraft(box, undefined).text).toBe("");
  });

  it("writes nothing from a box with a refused line, and keeps the line shown with why", () => {
    const { box, write } = typeHeaders(headersBox({ "X-Token": "abc" }), "X-Token: new\nBroken header line");
    expect(write).toBeNull();
    expect(box.text).toBe("X-Token: new\nBroken header line");
    expect(box.problem).toContain("Line 2 (“Broken header line”) has no colon");
    expect(followDraft(box, { "X-Token": "abc" })).toBe(box);
  });

  it("still follows the draft when it changes from outside while a line is refused", () => {
    const { box } = typeHeaders(headersBox({ "X-Token": "abc" }), "Broken");
    expect(followDraft(box, { "X-Token": "theirs" })).toEqual(headersBox({ "X-Token": "theirs" }));
  });
});

describe("unreadHeaders", () => {
  const intents: Intent[] = [
    { id: "book", action: { url: "https://example.com/book", headers: { "X-Token": "abc" } } },
    { id: "cancel", action: { url: "https://example.com/cancel" } },
    { id: "greet" },
  ];
  const broken = (headers: Record<string, string> | undefined, text: string) => typeHeaders(headersBox(headers), text).box;

  it("names each intent whose box holds a line that does not read, with why", () => {
    const boxes = {
      book: broken({ "X-Token": "abc" }, "X-Token: abc\nBroken header line"),
      cancel: broken(undefined, "X-A: 1\nX-a: 2"),
    };
    expect(unreadHeaders(intents, boxes)).toEqual([
      { intent: "book", problem: "Line 2 (“Broken header line”) has no colon: write each header as “Name: value”." },
      { intent: "cancel", problem: "Line 2 (“X-a: 2”) gives the header X-a again (line 1): keep one." },
    ]);
  });

  it("finds nothing in boxes that read, or that no intent shows", () => {
    const boxes = {
      book: typeHeaders(headersBox({ "X-Token": "abc" }), "X-Token: abc\nX-Other: 1").box,
      gone: broken(undefined, "Broken"),
    };
    expect(unreadHeaders(intents, boxes)).toEqual([]);
    expect(unreadHeaders(intents, {})).toEqual([]);
  });

  it("ignores a box whose intent has no webhook now, or whose headers changed from outside", () => {
    const boxes = { greet: broken(undefined, "Broken"), book: broken({ "X-Token": "old" }, "Broken") };
    expect(unreadHeaders(intents, boxes)).toEqual([]);
  });
});
