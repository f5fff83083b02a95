import { describe, expect, it } from "vitest";
import { nameProblemPaths } from "./problems";
import type { BotDefinition } from "./types";

const sent: BotDefinition = {
  name: "cafe",
  intents: [
    { id: "greet", examples: ["hi", { text: "a latte", entities: [{ entity: "drink", start: 2, end: 7 }] }], buttons: [{ title: "Menu", payload: "/menu" }] },
    { id: "order", parameters: [{ name: "drink", prompt: ["Which?", "What?"] }], action: { url: "http://x" } },
    { id: "cancel", replies: ["OK", "{{ x"] },
  ],
  entities: [{ name: "drink", values: [{ value: "latte", synonyms: ["caffe latte"] }] }],
};

describe("a refused save's problems", () => {
  it("name the intent and the reply variant instead of their positions", () => {
    const text = "invalid bot definition (1 problems)\nintents[2].replies[1]: templates are limited to 10000 characters";
    expect(nameProblemPaths(text, sent)).toBe(
      "invalid bot definition (1 problems)\nIntent cancel, reply variant 2: templates are limited to 10000 characters",
    );
  });

  it.each([
    ["intents[0].buttons[0].payload", "Intent greet, button 1 payload"],
    ["intents[0].examples[1].entities[0].entity", "Intent greet, example 2, label 1 entity"],
    ["intents[1].parameters[0].prompt[1]", "Intent order, parameter drink, prompt variant 2"],
    ["intents[1].action.url", "Intent order, action url"],
    ["intents[1].parameters", "Intent order, parameters"],
    ["entities[0].values[0].synonyms[0]", "Entity drink, value latte, synonym 1"],
  ])("name %s as %s", (path, named) => {
    expect(nameProblemPaths(`${path}: is wrong`, sent)).toBe(`${named}: is wrong`);
  });

  it("name a built-in message as the Settings tab labels it", () => {
    const text = "settings.messages.not_a_choice: unexpected end of template";
    expect(nameProblemPaths(text, sent)).toBe("Settings, message “Not one of the options”: unexpected end of template");
  });

  it("keep a path that leads nowhere in the definition, and lines without one", () => {
    const text = "intents[7].replies[0]: is empty\nsettings.welcome_intent: is no intent\nFill in or remove these first:";
    expect(nameProblemPaths(text, sent)).toBe(text);
  });

  it("are left as they are without the definition sent", () => {
    expect(nameProblemPaths("intents[0].replies[0]: is empty", null)).toBe("intents[0].replies[0]: is empty");
  });
});
