import { h, render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import type { Api } from "../api";
import { ApiContext } from "../context";
import { type BotDraft, DraftContext, useBotDraftState } from "../draft";
import type { BotDefinition } from "../types";
import { BotMessagesEditor } from "./bot-messages";

function mount(stored: BotDefinition): { current: () => BotDraft } {
  const api = { getBotVersioned: async () => ({ definition: structuredClone(stored), version: 1 }) } as unknown as Api;
  let state: BotDraft | null = null;
  function Editor() {
    state = useBotDraftState(stored.name);
    return state.draft ? h(DraftContext.Provider, { value: state }, h(BotMessagesEditor, null)) : null;
  }
  const root = document.createElement("div");
  document.body.append(root);
  act(() => render(h(ApiContext.Provider, { value: api }, h(Editor, null)), root));
  return { current: () => state! };
}

const flush = () => act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
const box = (label: string) => document.querySelector<HTMLTextAreaElement>(`textarea[aria-label="${label}"]`)!;
const type = (label: string, text: string) =>
  act(() => {
    box(label).value = text;
    box(label).dispatchEvent(new Event("input", { bubbles: true }));
  });
const silence = (label: string) => box(label).closest("fieldset")!.querySelector<HTMLInputElement>("input[type=checkbox]");

afterEach(() => {
  document.body.innerHTML = "";
});

describe("the built-in sentences editor", () => {
  it("shows each default while the message is left out, and the variables its template sees", async () => {
    mount({ name: "cafe" });
    await flush();
    expect(box("Not one of the options").value).toBe("");
    expect(box("Not one of the options").placeholder).toBe("Sorry, {{ value }} is not one of the options.");
    const fieldset = box("A value was replaced").closest("fieldset")!;
    expect(fieldset.textContent).toContain("{{ previous }} the value it replaced");
    expect(document.body.textContent).toContain("{{ context }}");
  });

  it("keeps what the author writes, and leaves a cleared message out so the default is said", async () => {
    const state = mount({ name: "cafe", settings: { interruption: "drop" } });
    await flush();
    type("A webhook failed", "Our kitchen is offline.");
    expect(state.current().draft?.settings).toEqual({ interruption: "drop", messages: { action_failed: "Our kitchen is offline." } });
    type("A webhook failed", "");
    expect(state.current().draft?.settings).toEqual({ interruption: "drop" });
    expect(state.current().dirty).toBe(false);
  });

  it("says nothing where the bot may, with the empty string, and never where it must say something", async () => {
    const state = mount({ name: "cafe", settings: { messages: { corrected: "" } } });
    await flush();
    expect(silence("A value was replaced")?.checked).toBe(true);
    expect(box("A value was replaced").disabled).toBe(true);
    expect(silence("A webhook failed")).toBeNull();
    act(() => silence("Not one of the options")!.click());
    expect(state.current().draft?.settings?.messages).toEqual({ corrected: "", not_a_choice: "" });
    act(() => silence("A value was replaced")!.click());
    expect(state.current().draft?.settings?.messages).toEqual({ not_a_choice: "" });
  });

  it("says under a blank message why Save would refuse it", async () => {
    mount({ name: "cafe" });
    await flush();
    type("Nothing the form could take", "   ");
    expect(box("Nothing the form could take").getAttribute("aria-invalid")).toBe("true");
    expect(box("Nothing the form could take").closest("fieldset")!.textContent).toContain("is blank: write the sentence");
  });
});
