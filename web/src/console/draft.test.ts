import { h, render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import type { Api } from "./api";
import { ApiContext } from "./context";
import { type BotDraft, useBotDraftState } from "./draft";
import type { BotDefinition } from "./types";

/** A fake admin API whose PUT waits until the test lets it answer. */
function fakeApi(stored: BotDefinition) {
  let answer: () => void = () => {};
  const api = {
    getBotVersioned: async () => ({ definition: structuredClone(stored), version: 1 }),
    putBot: (_bot: string, definition: BotDefinition) =>
      new Promise((resolve) => {
        answer = () => {
          stored = { ...structuredClone(definition), description: definition.description ?? "" };
          resolve({ name: stored.name, version: 2, intents: 0, entities: 0, updated_at: "" });
        };
      }),
  };
  return { api: api as unknown as Api, answerPut: () => answer() };
}

function mount(api: Api): { current: () => BotDraft } {
  let state: BotDraft | null = null;
  function Probe() {
    state = useBotDraftState("pizzeria");
    return null;
  }
  const root = document.createElement("div");
  document.body.append(root);
  act(() => render(h(ApiContext.Provider, { value: api }, h(Probe, null)), root));
  return { current: () => state! };
}

const flush = () => act(async () => new Promise((resolve) => setTimeout(resolve, 0)));

afterEach(() => {
  document.body.innerHTML = "";
});

describe("useBotDraftState", () => {
  it("keeps edits made while a save is in flight, and they stay unsaved", async () => {
    const { api, answerPut } = fakeApi({ name: "pizzeria", intents: [] });
    const state = mount(api);
    await flush();
    act(() => state.current().update((d) => void (d.description = "first")));
    let saving!: Promise<boolean>;
    act(() => void (saving = state.current().save()));
    act(() => state.current().update((d) => void (d.description = "typed while saving")));
    answerPut();
    await act(async () => void (await saving));
    await flush();
    expect(state.current().saved?.description).toBe("first");
    expect(state.current().draft?.description).toBe("typed while saving");
    expect(state.current().dirty).toBe(true);
  });

  it("takes the saved definition as the draft when nothing changed meanwhile", async () => {
    const { api, answerPut } = fakeApi({ name: "pizzeria", intents: [] });
    const state = mount(api);
    await flush();
    act(() => state.current().update((d) => void (d.intents = [{ id: "greet" }])));
    let saving!: Promise<boolean>;
    act(() => void (saving = state.current().save()));
    answerPut();
    await act(async () => void (await saving));
    await flush();
    expect(state.current().draft).toEqual({ name: "pizzeria", intents: [{ id: "greet" }], description: "" });
    expect(state.current().dirty).toBe(false);
  });
});
