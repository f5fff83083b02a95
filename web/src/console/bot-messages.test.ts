/// <reference types="node" />
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILT_IN_MESSAGES, messageLabel, messageProblems, setWording, wordingOf } from "./bot-messages";
import type { BotSettings } from "./types";

/** Each field of `Messages` in the dialogue's definition and its default, its string literals joined. */
function dialogueDefaults(): [string, string][] {
  const source = readFileSync(resolve(__dirname, "../../../services/dialogue/src/parley_dialogue/definition.py"), "utf8");
  const body = /^class Messages\b[\s\S]*?(?=^class )/m.exec(source)?.[0] ?? "";
  return [...body.matchAll(/^ {4}(\w+): str = ([\s\S]*?)\n {4}"""/gm)].map(([, name, value]) => [
    name!,
    [...value!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map(([literal]) => JSON.parse(literal) as string).join(""),
  ]);
}

describe("BUILT_IN_MESSAGES", () => {
  it("are the dialogue's messages, in its order, with its defaults", () => {
    const defaults = dialogueDefaults();
    expect(defaults.length).toBeGreaterThan(3);
    expect(BUILT_IN_MESSAGES.map((m) => [m.key, m.default])).toEqual(defaults);
  });

  it("name the variables their defaults use", () => {
    for (const message of BUILT_IN_MESSAGES) {
      const used = [...message.default.matchAll(/\{(?:\{|%\s*if)\s*(\w+)/g)].map(([, name]) => name);
      expect(message.variables.map((v) => v.name)).toEqual(expect.arrayContaining(used));
    }
  });
});

describe("a message's wording", () => {
  it("is the default when left out, nothing when empty, else the bot's own", () => {
    const settings: BotSettings = { messages: { corrected: "", not_a_choice: "Nope, not {{ value }}." } };
    expect(wordingOf(settings, "corrected")).toEqual({ kind: "nothing" });
    expect(wordingOf(settings, "not_a_choice")).toEqual({ kind: "own", text: "Nope, not {{ value }}." });
    expect(wordingOf(settings, "action_failed")).toEqual({ kind: "default" });
    expect(wordingOf(undefined, "action_failed")).toEqual({ kind: "default" });
  });

  it("cleared, is left out, so the server says the default, and so is an empty `messages`", () => {
    const settings: BotSettings = { fallback_threshold: 0.4, messages: { not_a_choice: "Nope." } };
    setWording(settings, "not_a_choice", { kind: "own", text: "" });
    expect(settings).toEqual({ fallback_threshold: 0.4 });
  });

  it("saying nothing is the empty string, and other messages stay as they were", () => {
    const settings: BotSettings = { messages: { action_failed: "Down.", some_newer_message: "kept" } };
    setWording(settings, "corrected", { kind: "nothing" });
    setWording(settings, "action_failed", { kind: "default" });
    expect(settings.messages).toEqual({ some_newer_message: "kept", corrected: "" });
    setWording(settings, "corrected", { kind: "own", text: "Changed {{ parameter }}." });
    expect(settings.messages?.corrected).toBe("Changed {{ parameter }}.");
  });
});

describe("messageProblems", () => {
  it("refuse a blank message and silence where the bot must say something", () => {
    expect(messageProblems({ messages: { not_a_choice: "  ", corrected: "", action_failed: "" } })).toEqual([
      "Settings, message “Not one of the options” is blank: write the sentence, tick “Say nothing”, or clear it for the default.",
      "Settings, message “A webhook failed” must say something: write the sentence, or clear it for the default.",
    ]);
  });

  it("find nothing in defaults and the bot's own wording", () => {
    expect(messageProblems(undefined)).toEqual([]);
    expect(messageProblems({ messages: { corrected: "", action_failed: "Down." } })).toEqual([]);
  });
});

describe("messageLabel", () => {
  it("names a message's problem path as the Settings tab does", () => {
    expect(messageLabel("settings.messages.action_failed")).toBe("A webhook failed");
    expect(messageLabel("settings.messages.unknown")).toBeNull();
    expect(messageLabel("settings.welcome_intent")).toBeNull();
  });
});
