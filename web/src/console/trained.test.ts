import { describe, expect, it } from "vitest";
import type { Api } from "./api";
import { ApiError } from "./api";
import { trainedFrom, trainedStates } from "./trained";
import type { ModelSummary } from "./types";

const model = (version: string, served: boolean, status: ModelSummary["status"] = "published"): ModelSummary => ({
  bot: "dentist",
  version,
  status,
  served,
  created_at: "2026-11-29T17:42:00Z",
});

describe("trainedFrom", () => {
  it("is trained when the newest model serves", () => {
    expect(trainedFrom([model("v2", true)])).toEqual({ kind: "trained", model: model("v2", true) });
  });

  it("is untrained without models, or when the newest is retired (the bot was deleted and created again)", () => {
    expect(trainedFrom([])).toEqual({ kind: "untrained" });
    expect(trainedFrom([model("v1", false, "retired")])).toEqual({ kind: "untrained" });
  });
});

describe("trainedStates", () => {
  it("asks for each bot's newest model, and tells a failure apart from untrained", async () => {
    const asked: [string, unknown][] = [];
    const api = {
      models: async (bot: string, query: unknown) => {
        asked.push([bot, query]);
        if (bot === "broken") throw new ApiError(503, "unavailable", "the registry is down");
        return bot === "dentist" ? [model("v1", true)] : [];
      },
    } as unknown as Api;
    const states = await trainedStates(api, ["dentist", "acf-order_status", "broken"]);
    expect(asked).toEqual([
      ["dentist", { limit: 1 }],
      ["acf-order_status", { limit: 1 }],
      ["broken", { limit: 1 }],
    ]);
    expect(states.dentist?.kind).toBe("trained");
    expect(states["acf-order_status"]).toEqual({ kind: "untrained" });
    expect(states.broken).toEqual({ kind: "unknown", error: expect.stringContaining("the registry is down") });
  });
});
