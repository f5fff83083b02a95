import { describe, expect, it } from "vitest";
import { BOT_NAME, botNameFromFile } from "./names";

describe("BOT_NAME", () => {
  it("accepts what the gateway accepts and nothing else", () => {
    expect(["pizzeria", "order_status", "a-b", "x".repeat(64)].every((n) => BOT_NAME.test(n))).toBe(true);
    expect(["pizzeria.v2", "-a", "_a", "", "a b", "x".repeat(65)].some((n) => BOT_NAME.test(n))).toBe(false);
  });
});

describe("botNameFromFile", () => {
  it("drops the extension and turns dots and other characters into dashes", () => {
    expect(botNameFromFile("pizzeria.v2.yaml")).toBe("pizzeria-v2");
    expect(botNameFromFile("order_status.acf.json")).toBe("order_status");
    expect(botNameFromFile("my bot (copy).JSON")).toBe("my-bot-copy");
    expect(botNameFromFile("_.weather.yml")).toBe("weather");
  });

  it("always gives a name the gateway accepts, or nothing", () => {
    for (const file of ["pizzeria.v2.yaml", "été.json", `${"x".repeat(80)}.json`, "....json"]) {
      const name = botNameFromFile(file);
      expect(name === "" || BOT_NAME.test(name)).toBe(true);
    }
  });
});
