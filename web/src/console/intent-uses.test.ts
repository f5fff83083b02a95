import { describe, expect, it } from "vitest";
import { deleteIntentQuestion, intentUses } from "./intent-uses";
import type { BotDefinition } from "./types";

const bot: BotDefinition = {
  name: "cafe",
  settings: { welcome_intent: "hello", cancel_intent: "stop" },
  intents: [
    { id: "hello", examples: ["hi"], buttons: [{ title: "Stop", payload: "/stop" }] },
    {
      id: "order",
      examples: ["a latte"],
      parameters: [{ name: "drink", entity: "drink", choices: ["latte", "espresso", "/stop"] }],
      buttons: [
        { title: "Start over", payload: ' /hello{"fresh": true}' },
        { title: "", payload: "/stop" },
        { title: "Say stop", payload: "stop" },
      ],
    },
    { id: "stop", examples: ["stop"], buttons: [{ title: "Again", payload: "/stop" }] },
    { id: "fallback", replies: ["Sorry?"] },
  ],
};

describe("intentUses", () => {
  it("names the buttons and choices of other intents that trigger the intent, and the settings that name it", () => {
    expect(intentUses(bot, "stop")).toEqual([
      { where: "button “Stop” of intent hello", refused: true },
      { where: "button 2 of intent order", refused: true },
      { where: "choice “/stop” of parameter drink of intent order", refused: true },
      { where: "the cancel intent in Settings", refused: true, setting: "cancel_intent" },
    ]);
  });

  it("leaves out the intent's own buttons and plain text that only reads like it", () => {
    expect(intentUses(bot, "order")).toEqual([]);
  });

  it("counts a setting left unset as naming its default intent, which the bot may go without", () => {
    expect(intentUses(bot, "fallback")).toEqual([{ where: "the fallback intent in Settings", refused: false, setting: "fallback_intent" }]);
    expect(intentUses(bot, "hello")).toEqual([
      { where: "button “Start over” of intent order", refused: true },
      { where: "the welcome intent in Settings", refused: true, setting: "welcome_intent" },
    ]);
  });
});

describe("deleteIntentQuestion", () => {
  it("asks plainly when nothing points at the intent", () => {
    expect(deleteIntentQuestion(bot, "order")).toBe("Delete the intent “order”?");
  });

  it("lists what Save would refuse", () => {
    expect(deleteIntentQuestion(bot, "stop")).toBe(
      [
        "Delete the intent “stop”?",
        "These trigger or name it, and Save will refuse the bot until each is changed or removed:",
        "• button “Stop” of intent hello",
        "• button 2 of intent order",
        "• choice “/stop” of parameter drink of intent order",
        "• the cancel intent in Settings",
      ].join("\n"),
    );
  });

  it("says what the bot does without its default fallback intent", () => {
    expect(deleteIntentQuestion(bot, "fallback")).toBe(
      "Delete the intent “fallback”?\nIt is the fallback intent in Settings: without it, the bot answers what it did not understand with a built-in sentence.",
    );
  });
});
