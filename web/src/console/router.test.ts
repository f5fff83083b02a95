import { h, render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { currentPath, href, replaceRoute, useRoute } from "./router";

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

describe("replaceRoute", () => {
  it("shows the new address to the pages at once, in place of the current one", () => {
    location.hash = href("bots", "pizzeria", "intents", "order");
    let shown: string[] | null = null;
    function Probe() {
      shown = useRoute();
      return null;
    }
    const root = document.createElement("div");
    act(() => render(h(Probe, null), root));
    const entries = history.length;
    act(() => replaceRoute("bots", "pizzeria", "intents", "order_pizza"));
    expect(shown).toEqual(["bots", "pizzeria", "intents", "order_pizza"]);
    expect(currentPath()).toEqual(["bots", "pizzeria", "intents", "order_pizza"]);
    expect(history.length).toBe(entries);
    act(() => render(null, root));
  });
});
