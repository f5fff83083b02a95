import { describe, expect, it } from "vitest";
import { starterBot } from "./starter";
import { emptyParts } from "./validation";

describe("starterBot", () => {
  it("gives the NLU an intent to learn besides the fallback one, as saving requires", () => {
    const bot = starterBot("pizzeria", "Orders pizza");
    const learnt = (bot.intents ?? []).filter((i) => i.id !== "fallback" && (i.examples ?? []).length > 0);
    expect(learnt.map((i) => i.id)).toEqual(["init_conversation", "cancel"]);
  });

  it("names its intents as the default settings do, and leaves nothing empty", () => {
    const bot = starterBot("pizzeria", "");
    expect((bot.intents ?? []).map((i) => i.id)).toEqual(["init_conversation", "fallback", "cancel"]);
    expect(bot.settings).toBeUndefined();
    expect(emptyParts(bot)).toEqual([]);
  });
});
