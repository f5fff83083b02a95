import { describe, expect, it } from "vitest";
import { addSpan, freePlaces, placeInContext, rangeOffsets, removeSpan, retext, segments, selectedExample, spanText, wordPlaces } from "./examples";

describe("addSpan", () => {
  it("labels the selected words, trimming spaces", () => {
    expect(addSpan("a large pizza", "size", 1, 8)).toEqual({
      text: "a large pizza",
      entities: [{ entity: "size", start: 2, end: 7 }],
    });
  });

  it("refuses overlapping labels", () => {
    const labelled = addSpan("a large pizza", "size", 2, 7);
    expect(addSpan(labelled, "pizza", 4, 13)).toMatch(/overlaps/);
  });

  it("refuses an empty selection", () => {
    expect(addSpan("a large pizza", "size", 3, 3)).toMatch(/Select/);
  });
});

describe("removeSpan", () => {
  it("falls back to the plain string form when no label is left", () => {
    expect(removeSpan({ text: "big", entities: [{ entity: "size", start: 0, end: 3 }] }, 0)).toBe("big");
  });
});

describe("retext", () => {
  it("moves a label with its words", () => {
    const example = { text: "a large pizza", entities: [{ entity: "size", start: 2, end: 7 }] };
    expect(retext(example, "one large pizza")).toEqual({
      text: "one large pizza",
      entities: [{ entity: "size", start: 4, end: 9 }],
    });
  });

  it("drops a label whose words are gone", () => {
    const example = { text: "a large pizza", entities: [{ entity: "size", start: 2, end: 7 }] };
    expect(retext(example, "a pizza")).toBe("a pizza");
  });
});

describe("segments", () => {
  it("cuts the text into plain and labelled runs", () => {
    const example = { text: "a large pizza", entities: [{ entity: "size", start: 2, end: 7 }] };
    expect(segments(example).map((s) => [s.text, s.span?.entity ?? null])).toEqual([
      ["a ", null],
      ["large", "size"],
      [" pizza", null],
    ]);
  });
});

describe("rangeOffsets", () => {
  it("counts characters across labelled and plain runs", () => {
    const container = document.createElement("p");
    container.innerHTML = "a <mark>large</mark> pepperoni pizza";
    document.body.append(container);
    const range = document.createRange();
    const tail = container.lastChild as Text;
    range.setStart(container.querySelector("mark")!.firstChild!, 2);
    range.setEnd(tail, 10);
    expect(rangeOffsets(container, range)).toEqual({ start: 4, end: 17 });
  });
});

describe("selectedExample", () => {
  const list = (): HTMLOListElement => {
    const ol = document.createElement("ol");
    ol.innerHTML = [
      '<li><p class="example-text" data-index="0"><span>one pizza please</span></p><div><button>Label words</button></div></li>',
      '<li><p class="example-text" data-index="1"><span>I am </span><mark>hungry</mark><span> now</span></p><div><button>Edit</button></div></li>',
    ].join("");
    document.body.replaceChildren(ol);
    return ol;
  };
  const text = (ol: Element, index: number): Node => ol.querySelectorAll(".example-text")[index]!.firstChild!.firstChild!;

  it("gives the example and the offsets of the words selected in it", () => {
    const ol = list();
    const range = document.createRange();
    range.setStart(ol.querySelectorAll(".example-text")[1]!.firstChild!.firstChild!, 2);
    range.setEnd(ol.querySelector("mark")!.firstChild!, 6);
    expect(selectedExample(ol, range)).toEqual({ index: 1, start: 2, end: 11 });
  });

  it("selects nothing when the range runs across two examples", () => {
    const ol = list();
    const range = document.createRange();
    range.setStart(text(ol, 0), 10);
    range.setEnd(text(ol, 1), 4);
    expect(selectedExample(ol, range)).toBeNull();
  });

  it("keeps the words of the example when the drag overshoots into its row", () => {
    const ol = list();
    const range = document.createRange();
    range.setStart(text(ol, 0), 10);
    range.setEnd(ol.querySelector("button")!.firstChild!, 3);
    expect(selectedExample(ol, range)).toEqual({ index: 0, start: 10, end: 16 });
  });

  it("ignores a range that only touches the start of the next example", () => {
    const ol = list();
    const range = document.createRange();
    range.setStart(text(ol, 0), 4);
    range.setEnd(text(ol, 1), 0);
    expect(selectedExample(ol, range)).toEqual({ index: 0, start: 4, end: 16 });
  });
});

// Span offsets count code points, as the server (Python) does; "😀" and "🍵" are one each, where
// JavaScript strings count two UTF-16 units.
describe("offsets with astral characters", () => {
  const text = "😀 one 🍵 latte please";
  const latte = { text, entities: [{ entity: "beverage", start: 8, end: 13 }] };

  it("labels the selected code points", () => {
    expect(addSpan(text, "beverage", 7, 13)).toEqual(latte);
  });

  it("cuts the text on code points", () => {
    expect(segments(latte).map((s) => [s.text, s.span?.entity ?? null])).toEqual([
      ["😀 one 🍵 ", null],
      ["latte", "beverage"],
      [" please", null],
    ]);
  });

  it("reads the labelled words on code points", () => {
    expect(spanText(text, latte.entities[0]!)).toBe("latte");
  });

  it("measures a selection in code points", () => {
    const container = document.createElement("p");
    container.innerHTML = "<span>😀 one 🍵 </span><mark>latte</mark><span> please</span>";
    document.body.replaceChildren(container);
    const range = document.createRange();
    range.selectNodeContents(container.querySelector("mark")!);
    expect(rangeOffsets(container, range)).toEqual({ start: 8, end: 13 });
  });

  it("keeps a label on its words when an edit adds or removes emoji before them", () => {
    expect(retext(latte, "one 🍵 latte please")).toEqual({ text: "one 🍵 latte please", entities: [{ entity: "beverage", start: 6, end: 11 }] });
    expect(retext(latte, "😀😀 one 🍵 latte please")).toEqual({
      text: "😀😀 one 🍵 latte please",
      entities: [{ entity: "beverage", start: 9, end: 14 }],
    });
  });

  it("keeps a label on emoji it covers", () => {
    const tea = { text: "one 🍵 please", entities: [{ entity: "beverage", start: 4, end: 5 }] };
    expect(retext(tea, "two 🍵 please")).toEqual({ text: "two 🍵 please", entities: [{ entity: "beverage", start: 4, end: 5 }] });
    expect(retext(tea, "😀 two 🍵")).toEqual({ text: "😀 two 🍵", entities: [{ entity: "beverage", start: 6, end: 7 }] });
  });
});

describe("retext and words", () => {
  it("does not move a label on a whole word into another word", () => {
    const example = { text: "a tea", entities: [{ entity: "drink", start: 2, end: 5 }] };
    expect(retext(example, "a steak and a tea")).toEqual({
      text: "a steak and a tea",
      entities: [{ entity: "drink", start: 14, end: 17 }],
    });
    expect(retext(example, "a steak")).toBe("a steak");
  });

  it("moves a label on part of a word to the first place its letters are", () => {
    const example = { text: "two pizzas", entities: [{ entity: "food", start: 4, end: 9 }] };
    expect(retext(example, "three pizzas")).toEqual({ text: "three pizzas", entities: [{ entity: "food", start: 6, end: 11 }] });
  });

  it("keeps two labels on the same words apart", () => {
    const example = {
      text: "tea or tea",
      entities: [
        { entity: "a", start: 0, end: 3 },
        { entity: "b", start: 7, end: 10 },
      ],
    };
    expect(retext(example, "a tea or a tea")).toEqual({
      text: "a tea or a tea",
      entities: [
        { entity: "a", start: 2, end: 5 },
        { entity: "b", start: 11, end: 14 },
      ],
    });
  });
});

describe("wordPlaces", () => {
  it("finds whole words only", () => {
    expect(wordPlaces("a steak and a tea", "tea")).toEqual([{ start: 14, end: 17 }]);
    expect(wordPlaces("a steak", "tea")).toEqual([]);
  });

  it("ignores case, the spaces around the words and how many spaces are between them", () => {
    expect(wordPlaces("Tea, then a TEA", " tea ")).toEqual([
      { start: 0, end: 3 },
      { start: 12, end: 15 },
    ]);
    expect(wordPlaces("a flat  white", "flat white")).toEqual([{ start: 2, end: 13 }]);
  });

  it("gives code point offsets and takes punctuation at the edges as typed", () => {
    expect(wordPlaces("😀 a 🍵 tea", "tea")).toEqual([{ start: 6, end: 9 }]);
    expect(wordPlaces("it costs $5", "$5")).toEqual([{ start: 9, end: 11 }]);
    expect(wordPlaces("café or cafe\u0301", "cafe")).toEqual([]);
  });

  it("finds nothing for blank words", () => {
    expect(wordPlaces("a tea", "  ")).toEqual([]);
  });
});

describe("placeInContext", () => {
  it("brackets the words with a few words around them", () => {
    const text = "one tea for me and one tea for my friend over there please";
    expect(placeInContext(text, { start: 4, end: 7 })).toBe("one [tea] for me…");
    expect(placeInContext(text, { start: 23, end: 26 })).toBe("…and one [tea] for my…");
  });
});

describe("freePlaces", () => {
  it("gives the whole-word places of typed words that no label covers", () => {
    const example = { text: "a tea and a tea", entities: [{ entity: "drink", start: 2, end: 5 }] };
    expect(freePlaces(example, "tea")).toEqual([{ start: 12, end: 15 }]);
    expect(freePlaces("a tea and a tea", "TEA")).toEqual([
      { start: 2, end: 5 },
      { start: 12, end: 15 },
    ]);
  });

  it("says why there is none", () => {
    expect(freePlaces("a steak", "tea")).toMatch(/not a whole word/);
    expect(freePlaces("a steak", "coffee")).toMatch(/not in the example/);
    expect(freePlaces({ text: "a tea", entities: [{ entity: "drink", start: 2, end: 5 }] }, "tea")).toMatch(/labelled already/);
    expect(freePlaces("a tea", " ")).toMatch(/Type the words/);
  });
});
