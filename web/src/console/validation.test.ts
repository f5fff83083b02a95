import { describe, expect, it } from "vitest";
import { headersBox, typeHeaders } from "./headers";
import type { BotDefinition } from "./types";
import { emptyParts, saveRefusal } from "./validation";

describe("emptyParts", () => {
  it("names each empty reply variant, prompt variant, choice and button", () => {
    const problems = emptyParts({
      name: "pizzeria",
      intents: [
        {
          id: "greet",
          replies: ["Hello!", "  "],
          buttons: [
            { title: "Menu", payload: "/menu" },
            { title: "", payload: "" },
            { title: "Order", payload: " " },
          ],
        },
        { id: "order", replies: "A pizza.", parameters: [{ name: "size", prompt: ["", "What size?"], choices: ["small", " "] }] },
      ],
    });
    expect(problems).toEqual([
      "Intent greet: reply variant 2 is empty.",
      "Intent greet: button 2 needs a title and a payload.",
      "Intent greet: button 3 needs a title and a payload.",
      "Intent order, parameter size: prompt variant 1 is empty.",
      "Intent order, parameter size: choice 2 is empty.",
    ]);
  });

  it("names a parameter without a name, and a required one the bot would ask for with no prompt of its own", () => {
    const problems = emptyParts({
      name: "dentist",
      intents: [
        {
          id: "hours",
          replies: ["We open at 9."],
          parameters: [
            { name: "", entity: "service", prompt: [""] },
            { name: "day", entity: "date" },
            { name: "time", entity: "time", prompt: [] },
            { name: "note", required: false },
            { name: "phone", prompt: "What number can we call?" },
          ],
        },
      ],
    });
    expect(problems).toEqual([
      "Intent hours: parameter 1 needs a name.",
      "Intent hours, parameter 1: prompt variant 1 is empty.",
      "Intent hours, parameter day: it is required, so the bot asks for it: write a prompt, or untick Required.",
      "Intent hours, parameter time: it is required, so the bot asks for it: write a prompt, or untick Required.",
    ]);
  });

  it("finds nothing wrong with a bot whose parts are filled in", () => {
    expect(emptyParts({ name: "b", intents: [{ id: "a", replies: ["Hi"], buttons: [{ title: "Go", payload: "/go" }] }] })).toEqual([]);
  });
});

describe("saveRefusal", () => {
  const bot: BotDefinition = {
    name: "cafe",
    intents: [
      { id: "book", replies: ["Booked."], action: { url: "https://example.com/book", headers: { "X-Token": "abc" } } },
      { id: "greet", replies: [""] },
    ],
  };
  const unread = { book: typeHeaders(headersBox({ "X-Token": "abc" }), "X-Token: new\nBroken header line").box };

  it("refuses a Headers box with a line that does not read, naming its intent", () => {
    const filled: BotDefinition = { ...bot, intents: [bot.intents![0]!] };
    expect(saveRefusal(filled, unread)).toBe(
      [
        "Correct these headers first (nothing is saved while a line does not read):",
        "Intent book, webhook headers: Line 2 (“Broken header line”) has no colon: write each header as “Name: value”.",
      ].join("\n"),
    );
  });

  it("names the empty parts first, then the headers", () => {
    expect(saveRefusal(bot, unread)?.split("\n")).toEqual([
      "Fill in or remove these first:",
      "Intent greet: reply variant 1 is empty.",
      "Correct these headers first (nothing is saved while a line does not read):",
      expect.stringMatching(/^Intent book, webhook headers: Line 2/),
    ]);
  });

  it("refuses nothing once every part is filled in and every box reads", () => {
    const filled: BotDefinition = { ...bot, intents: [bot.intents![0]!] };
    const fixed = { book: typeHeaders(unread.book, "X-Token: new").box };
    expect(saveRefusal(filled, fixed)).toBeNull();
    expect(saveRefusal(filled, {})).toBeNull();
  });
});
