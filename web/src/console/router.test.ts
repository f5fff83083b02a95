import { afterEach, describe, expect, it } from "vitest";
import { currentPath, href } from "./router";

describe("currentPath", () => {
  afterEach(() => {
    location.hash = "";
  });

  it("decodes the segments of the address", () => {
    location.hash = href("bots", "pizzeria", "intents", "I want/a pizza");
    expect(currentPath()).toEqual(["bots", "pizzeria", "intents", "I want/a pizza"]);
  });

  it("is null for an address that cannot be decoded, rather than throwing", () => {
    location.hash = "#/bots/%E0%A4%A";
    expect(currentPath()).toBeNull();
  });
});
