// The training job's evaluation (`metrics`, services/nlu evaluation.py) as labelled, formatted rows:
// rates as percentages, counts as whole numbers; a key the console does not know shows as it is.

import { percent } from "./components/ui";

const rate = (v: number): string => percent(v, 1);
const count = (v: number): string => String(Math.round(v));

const LABELS: Record<string, [string, (v: number) => string]> = {
  accuracy: ["Accuracy (held-out)", rate],
  in_scope_accuracy: ["Right and confident", rate],
  fallback_rate: ["Sent to fallback", rate],
  macro_f1: ["Macro F1 (mean over intents)", rate],
  oos_recall: ["Left-out intents sent to fallback", rate],
  quality: ["Quality (what retraining compares)", rate],
  examples: ["Examples", count],
  held_out: ["Held-out predictions", count],
  left_out: ["Left-out intents' examples", count],
  intents: ["Intents", count],
  train_seconds: ["Training time", (v) => `${v.toFixed(2)} s`],
  temperature: ["Calibration temperature", (v) => v.toFixed(3)],
  similarity_floor: ["Similarity floor", (v) => v.toFixed(2)],
};

/** A metric's label and its value as shown. */
export function metricRow(key: string, value: number): [string, string] {
  const known = LABELS[key];
  if (known) return [known[0], known[1](value)];
  return [key.replace(/_/g, " "), String(Number(value.toFixed(4)))];
}
