import { describe, expect, it } from "vitest";
import { ApiError } from "./api";
import {
  differenceLines,
  expectedDifferences,
  keyMetrics,
  pageOf,
  pageQuery,
  publishProblem,
  reloadSize,
  serveQuestion,
  servedNotice,
  serving,
  trainedIntents,
  withOlder,
} from "./models";
import type { BotDefinition, ModelSummary } from "./types";

const model = (version: string, extra: Partial<ModelSummary> = {}): ModelSummary => ({
  bot: "shop",
  version,
  status: "published",
  served: false,
  created_at: "2026-05-02T09:14:03Z",
  intents: 2,
  intent_names: ["greet", "order"],
  ...extra,
});

const shop: BotDefinition = {
  name: "shop",
  intents: [
    { id: "greet", examples: ["hi"] },
    { id: "order", examples: ["a pizza"] },
    { id: "thanks", examples: ["thank you"] },
    { id: "fallback", examples: ["asdf"] },
    { id: "init_conversation" },
  ],
};

describe("keyMetrics", () => {
  it("labels the key scores as the evaluation does, in a fixed order, skipping absent ones", () => {
    expect(keyMetrics({ accuracy: 0.955, quality: 0.91, examples: 40, in_scope_accuracy: 0.727 })).toEqual([
      { key: "in_scope_accuracy", label: "Right intent", shown: "72.7 %" },
      { key: "quality", label: "Quality (what retraining compares)", shown: "91.0 %" },
    ]);
    expect(keyMetrics(undefined)).toEqual([]);
  });
});

describe("paging", () => {
  it("asks for one model more than a page shows, after the last one listed", () => {
    expect(pageQuery(10)).toEqual({ limit: 11 });
    expect(pageQuery(10, "abc")).toEqual({ limit: 11, before_version: "abc" });
    expect(pageQuery(500).limit).toBe(200);
  });

  it("shows a page and says whether older models exist", () => {
    const answer = ["a", "b", "c"].map((v) => model(v));
    expect(pageOf(answer, 2)).toEqual({ shown: answer.slice(0, 2), more: true });
    expect(pageOf(answer, 3)).toEqual({ shown: answer, more: false });
  });

  it("adds an older page once, even when the list moved meanwhile", () => {
    const list = [model("c"), model("b")];
    expect(withOlder(list, [model("b"), model("a")]).map((m) => m.version)).toEqual(["c", "b", "a"]);
  });

  it("reads the list again as far as it was opened", () => {
    expect(reloadSize(3)).toBe(10);
    expect(reloadSize(25)).toBe(25);
  });
});

describe("serving", () => {
  it("marks the served model, the one a re-publication serves, and retired ones", () => {
    const list = [model("r", { served: true, republished_from: "a" }), model("b"), model("a"), model("old", { status: "retired" })];
    expect(serving(list[0]!, list)).toEqual({ kind: "served" });
    expect(serving(list[1]!, list)).toEqual({ kind: "servable" });
    expect(serving(list[2]!, list)).toEqual({ kind: "served-as", version: "r" });
    expect(serving(list[3]!, list)).toEqual({ kind: "retired" });
  });
});

describe("differences", () => {
  it("counts the intents with examples, except the fallback intent, as the trainer does", () => {
    expect(trainedIntents(shop)).toEqual(["greet", "order", "thanks"]);
    expect(trainedIntents({ ...shop, settings: { fallback_intent: "thanks" } })).toEqual(["greet", "order", "fallback"]);
  });

  it("compares the model's intents with the saved bot's", () => {
    const older = model("a", { intent_names: ["bye", "greet", "order"], intents: 3 });
    expect(expectedDifferences(older, shop)).toEqual({ intents_not_in_model: ["thanks"], intents_not_in_bot: ["bye"] });
  });

  it("knows nothing when the model did not record its intents or the bot is not loaded", () => {
    expect(expectedDifferences(model("a", { intents: null, intent_names: [] }), shop)).toBeNull();
    expect(expectedDifferences(model("a"), null)).toBeNull();
  });

  it("says what happens to the messages of each intent", () => {
    expect(differenceLines({ intents_not_in_model: ["thanks"], intents_not_in_bot: ["bye", "later"] })).toEqual([
      "Not trained on the intent thanks: their messages get another intent or the fallback until the bot is trained again.",
      "Trained on the intents bye, later, which the bot no longer has: their messages are answered with the fallback.",
    ]);
    expect(differenceLines(null)).toEqual([]);
  });
});

describe("serveQuestion", () => {
  it("says the bot answers with the model at once and lists the differences with the saved bot", () => {
    const question = serveQuestion("shop", model("a"), shop, { dirty: true });
    expect(question).toContain("Serve model a (trained ");
    expect(question).toContain("shop answers with it right away");
    expect(question).toContain("Compared with the saved bot (unsaved changes are not counted):");
    expect(question).toContain("Not trained on the intent thanks");
  });

  it("says so when the intents are the same, or were not recorded, and warns of a running job", () => {
    const same = { ...shop, intents: shop.intents!.filter((i) => i.id !== "thanks") };
    expect(serveQuestion("shop", model("a"), same)).toContain("trained on the same intents the saved bot has");
    const unknown = serveQuestion("shop", model("a", { intents: null }), shop, { training: true });
    expect(unknown).toContain("was not recorded");
    expect(unknown).toContain("The training job running now will end rejected");
  });
});

describe("servedNotice", () => {
  it("names the new version and the server's differences", () => {
    const published = { ...model("r", { served: true, republished_from: "a" }), differences: { intents_not_in_model: ["thanks"], intents_not_in_bot: [] } };
    expect(servedNotice("shop", "a", published)).toBe(
      "shop is served by model a again, as version r.\nNot trained on the intent thanks: their messages get another intent or the fallback until the bot is trained again.",
    );
  });

  it("says the intents are the same, or nothing when the server did not say", () => {
    const same = { ...model("a", { served: true }), differences: { intents_not_in_model: [], intents_not_in_bot: [] } };
    expect(servedNotice("shop", "a", same)).toBe("shop is served by model a. It was trained on the same intents the bot has.");
    expect(servedNotice("shop", "a", { ...same, differences: null })).toBe("shop is served by model a.");
  });
});

describe("publishProblem", () => {
  it("says nothing changed when the server refused", () => {
    const retired = new ApiError(409, "conflict", "model a of shop is retired");
    expect(publishProblem("a", retired)).toBe("Model a cannot be served: model a of shop is retired\nNothing changed.");
    expect(publishProblem("a", new ApiError(404, "not_found", "no model a"))).toContain("is not known to the server");
  });

  it("does not claim nothing changed when the server may not have answered", () => {
    const down = new ApiError(0, "network_error", "Cannot reach the Parley server");
    expect(publishProblem("a", down)).toBe(
      "Serving model a may not have reached the server: Cannot reach the Parley server\nThe list shows which model serves.",
    );
  });
});
