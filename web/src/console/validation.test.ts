import { describe, expect, it } from "vitest";
import { emptyParts } from "./validation";

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

  it("finds nothing wrong with a bot whose parts are filled in", () => {
    expect(emptyParts({ name: "b", intents: [{ id: "a", replies: ["Hi"], buttons: [{ title: "Go", payload: "/go" }] }] })).toEqual([]);
  });
});
