// Training: start a job, follow its status live, and read the evaluation report — the trainer's
// held-out metrics, plus a per-intent check of the training examples against the model served now.

import { useEffect, useRef, useState } from "preact/hooks";
import { describe, retryRateLimited } from "../api";
import { ErrorBox, percent, when } from "../components/ui";
import { useApi } from "../context";
import { useDraft } from "../draft";
import { type Report, evaluate, mapLimit } from "../evaluation";
import { exampleText } from "../examples";
import { type MetricRow, evaluationAdvice, evaluationRows } from "../metrics";
import { type StepState, TERMINAL, followJob, jobSteps } from "../training";
import type { ModelSummary, TrainingJob } from "../types";
import { ModelHistory } from "./model-history";

const lastJobKey = (bot: string): string => `parley-console:last-job:${bot}`;

export function TrainPage() {
  const api = useApi();
  const draftState = useDraft();
  const { bot, dirty } = draftState;
  const [job, setJob] = useState<TrainingJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pollError, setPollError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const stopFollowing = useRef<(() => void) | null>(null);
  // Bumped when a job followed from queued or running succeeds: the model history is read again.
  const [published, setPublished] = useState(0);
  const [served, setServed] = useState<ModelSummary | null>(null);

  /** Follow `jobId`; `remembered`: the last job of an earlier visit, which the server may have forgotten. */
  const follow = (jobId: string, remembered: boolean): void => {
    stopFollowing.current?.();
    setPollError(null);
    let last: string | null = null;
    stopFollowing.current = followJob({
      poll: () => api.trainingJob(bot, jobId),
      onJob: (current) => {
        if (last !== null && !TERMINAL.has(last) && current.status === "succeeded") setPublished((n) => n + 1);
        last = current.status;
        setJob(current);
        setPollError(null);
      },
      onError: (err, retryMs) => setPollError(`${describe(err)}\nTrying again in ${Math.ceil(retryMs / 1000)} s.`),
      onGone: () => {
        localStorage.removeItem(lastJobKey(bot));
        setJob(null);
        setPollError(null);
        if (!remembered) setError(`The server no longer knows training job ${jobId} (it may have restarted). Train again.`);
      },
    });
  };

  useEffect(() => {
    const last = localStorage.getItem(lastJobKey(bot));
    if (last) follow(last, true);
    return () => stopFollowing.current?.();
  }, [bot]);

  /** `force`: publish the model even if it scores below the current one (see the README's "Your own bot"). */
  const start = async (force = false): Promise<void> => {
    setStarting(true);
    setError(null);
    try {
      if (dirty && !(await draftState.save())) return;
      const accepted = await api.train(bot, force);
      localStorage.setItem(lastJobKey(bot), accepted.job_id);
      setJob({ job_id: accepted.job_id, status: "queued" });
      follow(accepted.job_id, false);
    } catch (err) {
      setError(describe(err));
    } finally {
      setStarting(false);
    }
  };

  // While the status cannot be read, training again is allowed: the server knows what runs.
  const running = job !== null && !TERMINAL.has(job.status) && pollError === null;
  return (
    <section aria-labelledby="train-title">
      <h2 id="train-title">Train</h2>
      <p class="muted">Training snapshots the saved definition, fits a model and evaluates it on held-out examples. The new model serves as soon as it is published.</p>
      <button type="button" onClick={() => start()} disabled={starting || running}>
        {dirty ? "Save and train" : "Train"}
      </button>
      <ErrorBox error={error} />
      <ErrorBox title="Cannot read the training job's status" error={pollError} />
      {job && <JobStatus job={job} served={served} />}
      {job?.status === "rejected" && job.metrics && (
        <p>
          The new model was not published; the current one still serves.{" "}
          <button type="button" onClick={() => start(true)} disabled={starting}>
            Train and publish anyway
          </button>
        </p>
      )}
      {(job?.status === "succeeded" || (job?.status === "rejected" && job.metrics)) && <Metrics metrics={job.metrics ?? {}} />}
      {job?.status === "succeeded" && <ExampleCheck key={job.job_id} />}
      <ModelHistory
        refresh={published}
        training={running}
        onList={(models) => setServed(models.find((m) => m.served) ?? null)}
        onServed={() => job && follow(job.job_id, true)}
      />
    </section>
  );
}

/** Each step's state is told by a mark as well as its colour, and in words to screen readers. */
const MARKS: Record<StepState, string> = { done: "✓", current: "…", failed: "✕", todo: "○" };

/** The job's progress; `served`: the model the bot is served by now, when the history says. */
function JobStatus({ job, served }: { job: TrainingJob; served: ModelSummary | null }) {
  return (
    <div class="card job" aria-labelledby="job-title">
      <h3 id="job-title">Training job</h3>
      <ol class="steps" aria-label="Training steps">
        {jobSteps(job.status).map(({ name, state, said }) => (
          <li key={name} data-state={state} aria-current={state === "current" ? "step" : undefined}>
            <span class="step-mark" aria-hidden="true">{MARKS[state]}</span> {name}
            <span class="sr-only"> ({said})</span>
          </li>
        ))}
      </ol>
      <p role="status" aria-live="polite" class="job-status" data-status={job.status}>
        Status: <strong>{job.status}</strong>
        {job.model_version && <> · model {job.model_version}</>}
        {job.finished_at && <> · finished {when(job.finished_at)}</>}
      </p>
      {job.error && <ErrorBox error={job.error} />}
      {job.status === "succeeded" && job.model_version && served && !servesJobModel(served, job.model_version) && (
        <p class="small" data-served={served.version}>
          Its model no longer serves: model {served.republished_from ?? served.version} does (see Models).
        </p>
      )}
    </div>
  );
}

const servesJobModel = (served: ModelSummary, version: string): boolean =>
  served.version === version || served.republished_from === version;

/** The evaluation: what users get at the bot's fallback threshold, what to do about it, then the rest. */
function Metrics({ metrics }: { metrics: Record<string, unknown> }) {
  const { headline, details } = evaluationRows(metrics);
  const nested = Object.entries(metrics).filter(([, v]) => typeof v === "object" && v !== null);
  const heldOut = typeof metrics.held_out === "number" ? metrics.held_out : null;
  const threshold = typeof metrics.threshold === "number" ? ` at the fallback threshold ${metrics.threshold.toFixed(2)}` : "";
  return (
    <section aria-labelledby="metrics-title">
      <h3 id="metrics-title">Evaluation</h3>
      {heldOut === 0 && <p class="muted">Too few examples per intent to hold any out: add examples for held-out scores.</p>}
      {headline.length > 0 && (
        <>
          <p class="muted small">
            What users get{threshold}: each of the bot's {heldOut ? `${heldOut} ` : ""}examples predicted by a model trained without it.
          </p>
          <MetricList rows={headline} />
        </>
      )}
      {evaluationAdvice(metrics).map((advice) => (
        <p key={advice} class="notice" data-advice>
          {advice}
        </p>
      ))}
      {(details.length > 0 || nested.length > 0) && (
        <details class="metric-details" open={headline.length === 0}>
          <summary>Details</summary>
          <MetricList rows={details} />
          {nested.map(([key, value]) => (
            <details key={key}>
              <summary>{key.replace(/_/g, " ")}</summary>
              <pre>{JSON.stringify(value, null, 2)}</pre>
            </details>
          ))}
        </details>
      )}
    </section>
  );
}

function MetricList({ rows }: { rows: MetricRow[] }) {
  return (
    <dl class="metrics">
      {rows.map(({ key, label, shown }) => (
        <div key={key} class="metric" data-metric={key}>
          <dt>{label}</dt>
          <dd>{shown}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Parse every training example with the model served now: which intents it gets wrong, and for which. */
function ExampleCheck() {
  const api = useApi();
  const { bot, saved } = useDraft();
  const [report, setReport] = useState<Report | null>(null);
  const [progress, setProgress] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const leaving = useRef(new AbortController());
  useEffect(() => () => leaving.current.abort(new Error("left the page")), []);
  const run = async (): Promise<void> => {
    const items = (saved?.intents ?? []).flatMap((intent) => (intent.examples ?? []).map((e) => ({ intent: intent.id, text: exampleText(e) })));
    setError(null);
    setProgress(`0 / ${items.length}`);
    let done = 0;
    // Hundreds of examples run into the gateway's per-address rate limit: wait as it asks, then go on.
    const paused = (seconds: number): void => setProgress(`${done} / ${items.length}, paused ${Math.ceil(seconds)} s by the server's rate limit`);
    try {
      const predictions = await mapLimit(
        items,
        4,
        async (item, signal) => {
          const parsed = await retryRateLimited(() => api.parse(bot, item.text), { onWait: paused, signal });
          setProgress(`${++done} / ${items.length}`);
          return { text: item.text, expected: item.intent, predicted: parsed.intent.name, confidence: parsed.intent.confidence };
        },
        leaving.current.signal,
      );
      setReport(evaluate(predictions));
    } catch (err) {
      if (!leaving.current.signal.aborted) setError(`Stopped after ${done} of ${items.length} examples: ${describe(err)}`);
    } finally {
      setProgress(null);
    }
  };
  return (
    <section aria-labelledby="check-title" class="card">
      <h3 id="check-title">Per-intent check</h3>
      <p class="muted small">Parses every training example with the model the bot serves now, which learnt them: its scores are optimistic, and the Evaluation above says how new wording fares. Use it to find intents that overlap.</p>
      <button type="button" class="secondary" onClick={run} disabled={progress !== null}>
        {progress ? `Checking ${progress}…` : report ? "Check again" : "Check examples"}
      </button>
      <ErrorBox error={error} />
      {report && <ReportTables report={report} />}
    </section>
  );
}

function ReportTables({ report }: { report: Report }) {
  return (
    <>
      <p>
        Examples recognised: <strong>{percent(report.accuracy, 1)}</strong>
      </p>
      <div class="table-scroll">
        <table class="table" aria-label="Per-intent scores">
          <thead>
            <tr>
              <th scope="col">Intent</th>
              <th scope="col">Examples</th>
              <th scope="col">Precision</th>
              <th scope="col">Recall</th>
              <th scope="col">F1</th>
            </tr>
          </thead>
          <tbody>
            {report.intents.map((s) => (
              <tr key={s.intent} class={s.f1 < 0.8 ? "warn" : undefined}>
                <th scope="row">{s.intent}</th>
                <td>{s.support}</td>
                <td>{percent(s.precision)}</td>
                <td>{percent(s.recall)}</td>
                <td>
                  <meter min={0} max={1} low={0.8} high={0.95} optimum={1} value={s.f1} aria-label={`F1 of ${s.intent}`} /> {percent(s.f1)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h4>Confused pairs</h4>
      {report.confusions.length === 0 ? (
        <p class="muted">None: every example went to its own intent.</p>
      ) : (
        <div class="table-scroll">
          <table class="table" aria-label="Confused pairs">
            <thead>
              <tr>
                <th scope="col">Expected</th>
                <th scope="col">Predicted</th>
                <th scope="col">Count</th>
                <th scope="col">Examples</th>
              </tr>
            </thead>
            <tbody>
              {report.confusions.map((c) => (
                <tr key={`${c.expected}>${c.predicted}`}>
                  <td>{c.expected}</td>
                  <td>{c.predicted}</td>
                  <td>{c.count}</td>
                  <td>{c.texts.join(" · ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
