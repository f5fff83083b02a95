import { describe, expect, it } from "vitest";
import { appendRichText, tokenize } from "./richtext";
import cases from "./richtext.cases.json";

describe("tokenize", () => {
  it("keeps markup outside the allow-list as literal text", () => {
    expect(tokenize('<img src=x onerror="alert(1)">')).toEqual([
      { kind: "text", text: '<img src=x onerror="alert(1)">', styles: [] },
    ]);
  });

  it("recognises bold, italics and line breaks", () => {
    expect(tokenize("a <b>big</b> pizza<br>now\nok")).toEqual([
      { kind: "text", text: "a ", styles: [] },
      { kind: "text", text: "big", styles: ["strong"] },
      { kind: "text", text: " pizza", styles: [] },
      { kind: "break" },
      { kind: "text", text: "now", styles: [] },
      { kind: "break" },
      { kind: "text", text: "ok", styles: [] },
    ]);
  });

  it("treats a stray closing tag as text", () => {
    expect(tokenize("x</b>")).toEqual([
      { kind: "text", text: "x", styles: [] },
      { kind: "text", text: "</b>", styles: [] },
    ]);
  });

  it("ignores attributes by not matching tags that carry them", () => {
    expect(tokenize('<b onclick="x()">hi</b>')).toEqual([
      { kind: "text", text: '<b onclick="x()">hi', styles: [] },
      { kind: "text", text: "</b>", styles: [] },
    ]);
  });
});

describe("appendRichText", () => {
  it("never creates elements from untrusted markup", () => {
    const div = document.createElement("div");
    appendRichText(div, '<script>alert(1)</script><b>ok</b><img src=x onerror=alert(1)>');
    expect(div.querySelector("script, img")).toBeNull();
    expect(div.querySelector("strong")?.textContent).toBe("ok");
    expect(div.textContent).toBe("<script>alert(1)</script>ok<img src=x onerror=alert(1)>");
  });
});

// The gateway's built-in chat page renders bot messages by the same rule; the browser tests run it on
// these cases too (tests/browser/test_builtin_chat_page.py).
describe("the shared rich-text cases", () => {
  it.each(cases)("renders $text", ({ text, html }) => {
    const div = document.createElement("div");
    appendRichText(div, text);
    expect(div.innerHTML).toBe(html);
  });
});
