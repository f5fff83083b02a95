import { describe, expect, it } from "vitest";
import { changedParts } from "./changes";
import type { BotDefinition } from "./types";

const saved: BotDefinition = {
  name: "pizzeria",
  intents: [{ id: "greet", replies: ["Hi"] }, { id: "bye" }],
  entities: [{ name: "size", values: [{ value: "small" }] }],
  settings: { fallback_threshold: 0.5 },
};

describe("changedParts", () => {
  it("names the intents and entities that changed, were added or removed", () => {
    const draft = structuredClone(saved);
    draft.intents![0]!.replies = ["Hello"];
    draft.intents!.push({ id: "order" });
    draft.entities = [];
    expect(changedParts(saved, draft)).toEqual(["intent greet", "intent order", "entity size"]);
  });

  it("names settings, the description and a new order", () => {
    const draft = structuredClone(saved);
    draft.settings!.fallback_threshold = 0.6;
    draft.description = "Pizza";
    draft.intents!.reverse();
    expect(changedParts(saved, draft)).toEqual(["the order of the intents", "settings", "description"]);
    expect(changedParts(saved, structuredClone(saved))).toEqual([]);
  });
});
