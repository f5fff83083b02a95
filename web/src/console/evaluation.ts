// Per-intent scores and confused pairs from (expected, predicted) pairs. Pure.

export interface Prediction {
  text: string;
  expected: string;
  predicted: string;
  confidence: number;
}

export interface IntentScore {
  intent: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Confusion {
  expected: string;
  predicted: string;
  count: number;
  texts: string[];
}

export interface Report {
  accuracy: number;
  intents: IntentScore[];
  confusions: Confusion[];
}

export function evaluate(predictions: Prediction[]): Report {
  const names = [...new Set(predictions.flatMap((p) => [p.expected, p.predicted]))].sort();
  const intents = names
    .map((intent) => {
      const truePositives = predictions.filter((p) => p.expected === intent && p.predicted === intent).length;
      const predicted = predictions.filter((p) => p.predicted === intent).length;
      const support = predictions.filter((p) => p.expected === intent).length;
      const precision = predicted ? truePositives / predicted : 0;
      const recall = support ? truePositives / support : 0;
      const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
      return { intent, support, precision, recall, f1 };
    })
    .filter((s) => s.support > 0)
    .sort((a, b) => a.f1 - b.f1 || a.intent.localeCompare(b.intent));
  const pairs = new Map<string, Confusion>();
  for (const p of predictions) {
    if (p.expected === p.predicted) continue;
    const key = `${p.expected}\u0000${p.predicted}`;
    const pair = pairs.get(key) ?? { expected: p.expected, predicted: p.predicted, count: 0, texts: [] };
    pair.count += 1;
    pair.texts.push(p.text);
    pairs.set(key, pair);
  }
  const right = predictions.filter((p) => p.expected === p.predicted).length;
  return {
    accuracy: predictions.length ? right / predictions.length : 0,
    intents,
    confusions: [...pairs.values()].sort((a, b) => b.count - a.count),
  };
}

/**
 * Run `task` over `items` with at most `limit` in flight; results keep the input order. After a
 * failure (or when `signal` aborts) no new task starts, the tasks' signal aborts, and the first
 * failure is thrown once the tasks in flight have ended: nothing runs on after the call.
 */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  task: (item: T, signal: AbortSignal) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const stop = new AbortController();
  signal?.addEventListener("abort", () => stop.abort(signal.reason), { once: true });
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!stop.signal.aborted && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index] as T, stop.signal);
      } catch (error) {
        stop.abort(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (stop.signal.aborted) throw stop.signal.reason;
  return results;
}
