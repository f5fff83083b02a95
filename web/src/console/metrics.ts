// The training job's evaluation (`metrics`, services/nlu evaluation.py) as a bot author reads it:
// first what users get at the bot's fallback threshold (the right intent, the fallback, a wrong
// intent), then the rest as labelled rows: rates as percentages, counts as whole numbers, and the
// settings training chose, which are no results. A key the console does not know shows as it is.

import { percent } from "./components/ui";

const rate = (v: number): string => percent(v, 1);
const count = (v: number): string => String(Math.round(v));

const LABELS: Record<string, [string, (v: number) => string]> = {
  in_scope_accuracy: ["Right intent", rate],
  fallback_rate: ["Sent to fallback", rate],
  wrong_rate: ["Wrong intent", rate],
  oos_recall: ["Left-out intents sent to fallback", rate],
  accuracy: ["Top intent right, were there no fallback", rate],
  macro_f1: ["Macro F1 (mean over intents)", rate],
  quality: ["Quality (what retraining compares)", rate],
  examples: ["Examples", count],
  held_out: ["Held-out predictions", count],
  left_out: ["Left-out intents' examples", count],
  intents: ["Intents", count],
  train_seconds: ["Training time", (v) => `${v.toFixed(2)} s`],
  threshold: ["Fallback threshold", (v) => v.toFixed(2)],
  temperature: ["Calibration temperature (set by training)", (v) => v.toFixed(3)],
  wording_weight: ["Wording weight (set by training)", (v) => String(v)],
  similarity_floor: ["Similarity floor", (v) => v.toFixed(2)],
};

const KNOWN = Object.keys(LABELS);
const order = (key: string): number => (KNOWN.includes(key) ? KNOWN.indexOf(key) : KNOWN.length);

/** What users get, shown first; the other metrics go under "Details". */
export const HEADLINE = ["in_scope_accuracy", "fallback_rate", "wrong_rate", "oos_recall"] as const;

/** A share of held-out examples past which the console says what to do about it. */
const WORTH_SAYING = 0.1;

export interface MetricRow {
  key: string;
  label: string;
  shown: string;
}

/** A metric's label and its value as shown. */
export function metricRow(key: string, value: number): [string, string] {
  const known = LABELS[key];
  if (known) return [known[0], known[1](value)];
  return [key.replace(/_/g, " "), String(Number(value.toFixed(4)))];
}

/** The numeric metrics, with `wrong_rate` (neither right nor sent to fallback) when both its parts are there. */
export function withWrongRate(metrics: Record<string, unknown>): Record<string, number> {
  const numbers = Object.fromEntries(Object.entries(metrics).filter((entry): entry is [string, number] => typeof entry[1] === "number"));
  const { in_scope_accuracy: right, fallback_rate: fallback } = numbers;
  if (right === undefined || fallback === undefined) return numbers;
  return { ...numbers, wrong_rate: Math.max(0, Number((1 - right - fallback).toFixed(4))) };
}

/** The evaluation's rows: what users get (in `HEADLINE`'s order), then the rest: scores, counts, then
 * the settings training chose, and last the metrics the console does not know. */
export function evaluationRows(metrics: Record<string, unknown>): { headline: MetricRow[]; details: MetricRow[] } {
  const numbers = withWrongRate(metrics);
  const row = (key: string): MetricRow => {
    const [label, shown] = metricRow(key, numbers[key]!);
    return { key, label, shown };
  };
  const first: readonly string[] = HEADLINE;
  return {
    headline: HEADLINE.filter((key) => key in numbers).map(row),
    details: Object.keys(numbers)
      .filter((key) => !first.includes(key))
      .sort((a, b) => order(a) - order(b))
      .map(row),
  };
}

/** What the author can do about the held-out examples that users' words like theirs would lose. */
export function evaluationAdvice(metrics: Record<string, unknown>): string[] {
  const { fallback_rate: fallback, wrong_rate: wrong } = withWrongRate(metrics);
  const advice: string[] = [];
  if (fallback !== undefined && fallback >= WORTH_SAYING) {
    advice.push(
      `${rate(fallback)} of the bot's own examples, each held out of training, go to the fallback: users who word things like them get the fallback reply. ` +
        "Add examples worded the way users write to the intents that lose them, or lower the fallback threshold in Settings. " +
        "parley nlu evaluate, run on the bot's export, lists each example it got wrong.",
    );
  }
  if (wrong !== undefined && wrong >= WORTH_SAYING) {
    advice.push(`${rate(wrong)} get another intent: some intents share their wording. Check examples (below) shows which pairs are confused.`);
  }
  return advice;
}
