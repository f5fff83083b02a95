// A bot's model history (`GET /bots/{bot}/models`, services/gateway/README.md): paging, which model
// serves, the key scores of each, and what to say before and after serving an earlier one again.

import { ApiError, describe } from "./api";
import { when } from "./components/ui";
import { metricRow } from "./metrics";
import { roleIntent } from "./roles";
import type { BotDefinition, IntentDifferences, ModelSummary, PublishedModel } from "./types";

/** Models shown per page ("Show older" asks for the next). */
export const PAGE = 10;
/** The server's largest `limit`. */
const MAX_LIMIT = 200;

/** The scores shown beside each model: what users get at the bot's threshold, then what retraining compares. */
export const KEY_METRICS = ["in_scope_accuracy", "fallback_rate", "quality"] as const;

/** A model's key scores it has, labelled and formatted as the training job's evaluation is. */
export function keyMetrics(metrics: Record<string, number> | undefined): { key: string; label: string; shown: string }[] {
  return KEY_METRICS.filter((key) => typeof metrics?.[key] === "number").map((key) => {
    const [label, shown] = metricRow(key, metrics![key]!);
    return { key, label, shown };
  });
}

/** One page asks for one model more than it shows, to know whether older ones exist. */
export function pageQuery(size: number, before?: string): { limit: number; before_version?: string } {
  const limit = Math.min(size, MAX_LIMIT - 1) + 1;
  return before ? { limit, before_version: before } : { limit };
}

/** What an answer to `pageQuery(size)` shows, and whether there are older models. */
export function pageOf(answer: ModelSummary[], size: number): { shown: ModelSummary[]; more: boolean } {
  const shown = answer.slice(0, Math.min(size, MAX_LIMIT - 1));
  return { shown, more: answer.length > shown.length };
}

/** The list with an older page after it; a model listed already (the list moved meanwhile) once. */
export function withOlder(list: ModelSummary[], older: ModelSummary[]): ModelSummary[] {
  const seen = new Set(list.map((m) => m.version));
  return [...list, ...older.filter((m) => !seen.has(m.version))];
}

/** How many models reading the list again asks for: as many as shown, so older pages stay open. */
export function reloadSize(shown: number): number {
  return Math.max(PAGE, shown);
}

export type Serving =
  | { kind: "served" }
  /** The model serves through a later version that re-publishes it. */
  | { kind: "served-as"; version: string }
  | { kind: "retired" }
  | { kind: "servable" };

/** Whether `model` serves now, given the list it is in (the served one is the newest not retired). */
export function serving(model: ModelSummary, list: ModelSummary[]): Serving {
  if (model.served) return { kind: "served" };
  if (model.status === "retired") return { kind: "retired" };
  const served = list.find((m) => m.served);
  if (served?.republished_from === model.version) return { kind: "served-as", version: served.version };
  return { kind: "servable" };
}

/** The intents training the saved bot would learn: those with examples, except the fallback intent. */
export function trainedIntents(definition: BotDefinition): string[] {
  const fallback = roleIntent(definition.settings, "fallback_intent");
  return (definition.intents ?? []).filter((i) => i.id !== fallback && (i.examples ?? []).length > 0).map((i) => i.id);
}

/**
 * How the model's intents differ from the saved bot's, as the server will answer after publishing
 * (it compares with the bot it stores); null when the model did not record its intents.
 */
export function expectedDifferences(model: ModelSummary, saved: BotDefinition | null): IntentDifferences | null {
  if (!saved || model.intents === null || model.intents === undefined) return null;
  const bot = new Set(trainedIntents(saved));
  const known = new Set(model.intent_names ?? []);
  return {
    intents_not_in_model: [...bot].filter((i) => !known.has(i)).sort(),
    intents_not_in_bot: [...known].filter((i) => !bot.has(i)).sort(),
  };
}

/** The differences as sentences: what happens to the messages of each intent named. */
export function differenceLines(differences: IntentDifferences | null | undefined): string[] {
  if (!differences) return [];
  const lines: string[] = [];
  const { intents_not_in_model: missing, intents_not_in_bot: gone } = differences;
  if (missing.length) {
    lines.push(`Not trained on ${names(missing)}: their messages get another intent or the fallback until the bot is trained again.`);
  }
  if (gone.length) lines.push(`Trained on ${names(gone)}, which the bot no longer has: their messages are answered with the fallback.`);
  return lines;
}

const names = (intents: string[]): string => `${intents.length === 1 ? "the intent" : "the intents"} ${intents.join(", ")}`;

/** The question before serving `model`: it answers at once, and how it differs from the bot. */
export function serveQuestion(bot: string, model: ModelSummary, saved: BotDefinition | null, options: { dirty?: boolean; training?: boolean } = {}): string {
  const lines = [
    `Serve model ${model.version} (trained ${when(model.created_at)})?`,
    `${bot} answers with it right away, on every replica, until it is trained again or another model is served.`,
  ];
  const differences = expectedDifferences(model, saved);
  const differ = differenceLines(differences);
  if (differ.length) lines.push(`Compared with the saved bot${options.dirty ? " (unsaved changes are not counted)" : ""}:`, ...differ);
  else if (differences) lines.push("It was trained on the same intents the saved bot has.");
  else lines.push("Which intents it was trained on was not recorded.");
  if (options.training) lines.push("The training job running now will end rejected: it would undo this.");
  return lines.join("\n");
}

/** The notice once `requested` serves: under which version, and the server's differences. */
export function servedNotice(bot: string, requested: string, published: PublishedModel): string {
  const head =
    published.version === requested
      ? `${bot} is served by model ${requested}.`
      : `${bot} is served by model ${requested} again, as version ${published.version}.`;
  const differ = differenceLines(published.differences);
  if (differ.length) return [head, ...differ].join("\n");
  return published.differences ? `${head} It was trained on the same intents the bot has.` : head;
}

/** Why serving `version` failed; the server changed nothing (404, 409, 400), or may not know. */
export function publishProblem(version: string, error: unknown): string {
  const reason = describe(error);
  if (!(error instanceof ApiError) || error.status === 0 || error.status >= 500) {
    return `Serving model ${version} may not have reached the server: ${reason}\nThe list shows which model serves.`;
  }
  if (error.status === 409) return `Model ${version} cannot be served: ${reason}\nNothing changed.`;
  if (error.status === 404) return `Model ${version} is not known to the server: ${reason}\nNothing changed.`;
  return `Model ${version} was not served: ${reason}\nNothing changed.`;
}
