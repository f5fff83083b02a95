// Whether a bot is trained, which its author must know: until its first training succeeds, a bot
// answers every message with its fallback reply. Told by its newest model (`GET /bots/{bot}/models`
// newest first; the one served is the newest not retired, decision 98).

import { type Api, describe } from "./api";
import { mapLimit } from "./evaluation";
import type { ModelSummary } from "./types";

export type Trained =
  | { kind: "trained"; model: ModelSummary }
  /** No model serves it: never trained, or deleted and created again since. */
  | { kind: "untrained" }
  | { kind: "unknown"; error: string };

/** What the newest model (`newest`, the models list's first page) says. */
export function trainedFrom(newest: ModelSummary[]): Trained {
  const served = newest.find((model) => model.served);
  return served ? { kind: "trained", model: served } : { kind: "untrained" };
}

/** Ask the server whether `bot` is trained; a failure is `unknown`, with why. */
export async function trainedState(api: Api, bot: string): Promise<Trained> {
  try {
    return trainedFrom(await api.models(bot, { limit: 1 }));
  } catch (error) {
    return { kind: "unknown", error: describe(error) };
  }
}

/** Each bot's state, asking a few at a time (the bots list: one request per bot). */
export async function trainedStates(api: Api, bots: string[]): Promise<Record<string, Trained>> {
  const states = await mapLimit(bots, 4, (bot) => trainedState(api, bot));
  return Object.fromEntries(bots.map((bot, i) => [bot, states[i]!]));
}

/** What the console says of a bot that is not trained, after its name. */
export const UNTRAINED = "is not trained yet: it answers every message with its fallback reply until its first training succeeds.";
