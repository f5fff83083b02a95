/// <reference types="node" />
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_ENTITIES, entityOptions } from "./builtins";

const values = (options: { value: string }[]): string[] => options.map((o) => o.value);

describe("BUILTIN_ENTITIES", () => {
  it("are the ones the NLU and the dialogue share (parley_messages.BUILTIN_ENTITIES)", () => {
    const messages = readFileSync(resolve(__dirname, "../../../libs/messages/src/parley_messages/training.py"), "utf8");
    const tuple = /^BUILTIN_ENTITIES = \(([^)]*)\)/m.exec(messages)?.[1] ?? "";
    expect([...tuple.matchAll(/"([^"]+)"/g)].map((m) => m[1])).toEqual(BUILTIN_ENTITIES);
  });
});

describe("entityOptions", () => {
  it("offers every built-in beside the bot's own entities", () => {
    const options = entityOptions(["size", "topping"], "number");
    expect(values(options.builtins)).toEqual(["number", "ordinal", "duration", "date", "time"]);
    expect(values(options.own)).toEqual(["size", "topping"]);
    expect(options.builtins.find((o) => o.value === "date")?.label).toMatch(/^date \(/);
    expect(options.unknown).toBeNull();
  });

  it("offers a bot's own entity of a built-in's name in place of the built-in", () => {
    const options = entityOptions(["date", "size"], "date");
    expect(values(options.builtins)).toEqual(["number", "ordinal", "duration", "time"]);
    expect(values(options.own)).toEqual(["date", "size"]);
    expect(options.own[0]?.label).toContain("in place of the built-in");
    expect(options.own[1]?.label).toBe("size");
  });

  it("shows an entity the bot neither declares nor has built in, so the select is not blank", () => {
    expect(entityOptions(["size"], "colour").unknown).toEqual({ value: "colour", label: "colour (not an entity of this bot)" });
  });

  it("adds nothing for free text", () => {
    expect(entityOptions([], null).unknown).toBeNull();
    expect(entityOptions([], "").unknown).toBeNull();
    expect(entityOptions([], undefined).unknown).toBeNull();
  });
});
