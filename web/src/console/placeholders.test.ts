import { describe, expect, it } from "vitest";
import { promptPlaceholder, replyPlaceholder } from "./placeholders";

describe("replyPlaceholder", () => {
  it("uses the intent's own parameter, as a template names it", () => {
    expect(replyPlaceholder({ id: "book", parameters: [{ name: "" }, { name: "day" }] })).toBe("Done: {{ parameters.day }}. ### Anything else?");
  });

  it("names no parameter, and no pizza, for an intent without one", () => {
    expect(replyPlaceholder({ id: "hours" })).toBe("What the bot says. ### A second message, if it needs one.");
  });
});

describe("promptPlaceholder", () => {
  it("names the parameter, spoken, once it has a name", () => {
    expect(promptPlaceholder("phone_number")).toBe("What the bot asks for the phone number");
    expect(promptPlaceholder("")).toBe("What the bot asks for it");
  });
});
