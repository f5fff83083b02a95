import { describe, expect, it } from "vitest";
import { unsavedChanges } from "./changes";
import type { BotDefinition } from "./types";

const saved: BotDefinition = {
  name: "cafe",
  description: "Coffee",
  intents: [{ id: "greet", replies: ["Hi"] }],
};

describe("unsavedChanges", () => {
  it("names the parts of the bot the draft changes", () => {
    const draft = { ...structuredClone(saved), description: "Coffee and cake" };
    expect(unsavedChanges("cafe", saved, draft)).toBe("the unsaved changes to cafe (description)");
  });

  it("names five parts and counts the rest", () => {
    const draft = structuredClone(saved);
    draft.intents = ["a", "b", "c", "d", "e", "f", "g"].map((id) => ({ id }));
    expect(unsavedChanges("cafe", saved, draft)).toBe(
      "the unsaved changes to cafe (intent greet, intent a, intent b, intent c, intent d and 3 more)",
    );
  });

  it("names no parts before the bot is loaded", () => {
    expect(unsavedChanges("cafe", null, null)).toBe("the unsaved changes to cafe");
  });
});
