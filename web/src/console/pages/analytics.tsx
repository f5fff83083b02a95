// Analytics: turns, conversations, fallback rate and top intents per day.

import { useEffect, useState } from "preact/hooks";
import { describe } from "../api";
import { dailySeries, daysBetween, topIntentSeries, totals } from "../analytics";
import { Chart } from "../components/charts";
import { Empty, ErrorBox, Loading, percent } from "../components/ui";
import { useApi } from "../context";
import { useDraft } from "../draft";
import type { Analytics } from "../types";

const RANGES = [7, 30, 90] as const;

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function AnalyticsPage() {
  const api = useApi();
  const { bot } = useDraft();
  const [range, setRange] = useState<number>(30);
  const [data, setData] = useState<Analytics | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const to = new Date();
    const from = new Date(to.getTime() - (range - 1) * 86_400_000);
    setData(null);
    api.analytics(bot, isoDay(from), isoDay(to)).then(setData, (err: unknown) => setError(describe(err)));
  }, [bot, range]);

  return (
    <section aria-labelledby="analytics-title">
      <header class="editor-head">
        <h2 id="analytics-title">Analytics</h2>
        <div class="segmented" role="group" aria-label="Period">
          {RANGES.map((days) => (
            <button key={days} type="button" aria-pressed={range === days} onClick={() => setRange(days)}>
              {days} days
            </button>
          ))}
        </div>
      </header>
      <ErrorBox error={error} />
      {!data && !error && <Loading what="analytics" />}
      {data && <Charts data={data} />}
    </section>
  );
}

function Charts({ data }: { data: Analytics }) {
  const days = daysBetween(data.from, data.to);
  const sum = totals(data.days);
  // A conversation that got its greeting and no more counts, though it has no turn of the user's.
  if (sum.turns === 0 && sum.conversations === 0) return <Empty>No conversations between {data.from} and {data.to}. Chat with the bot and come back.</Empty>;
  const intents = topIntentSeries(days, data.days);
  return (
    <>
      <dl class="metrics">
        <div class="metric"><dt>Turns</dt><dd>{sum.turns}</dd></div>
        <div class="metric"><dt>Conversations</dt><dd>{sum.conversations}</dd></div>
        <div class="metric"><dt>Fallback rate</dt><dd>{percent(sum.fallbackRate, 1)}</dd></div>
        <div class="metric"><dt>Mean confidence</dt><dd>{percent(sum.meanConfidence, 1)}</dd></div>
        <div class="metric"><dt>Mean latency</dt><dd>{sum.meanLatencyMs === null ? "–" : `${sum.meanLatencyMs.toFixed(0)} ms`}</dd></div>
        <div class="metric"><dt>Complete turns</dt><dd>{sum.completed}</dd></div>
      </dl>
      <div class="charts">
        <Chart
          title="Turns and conversations per day"
          kind="bars"
          labels={days}
          series={[
            { name: "turns", values: dailySeries(days, data.days, (r) => r.turns) },
            { name: "conversations", values: dailySeries(days, data.days, (r) => r.conversations) },
          ]}
          summary={`${sum.turns} turns in ${sum.conversations} conversations from ${data.from} to ${data.to}.`}
        />
        <Chart
          title="Fallback rate per day"
          kind="line"
          labels={days}
          max={1}
          format={(v) => percent(v)}
          series={[{ name: "fallback rate", values: dailySeries(days, data.days, (r) => (r.turns ? r.fallback_rate : null)) }]}
          summary={`Overall fallback rate ${percent(sum.fallbackRate, 1)}.`}
        />
        <Chart
          title="Top intents per day"
          kind="stacked"
          labels={days}
          series={intents}
          legend
          summary={`Most frequent intents: ${intents.map((s) => `${s.name} (${s.values.reduce((a, b) => a + b, 0)})`).join(", ")}.`}
        />
      </div>
    </>
  );
}
