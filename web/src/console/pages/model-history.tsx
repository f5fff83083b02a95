// The Train tab's model history: the bot's models newest first, the served one marked, and serving
// an earlier one again (a rollback: every replica answers with it within seconds).

import { useEffect, useRef, useState } from "preact/hooks";
import { describe } from "../api";
import { ErrorBox, when } from "../components/ui";
import { useApi } from "../context";
import { useDraft } from "../draft";
import { PAGE, keyMetrics, pageOf, pageQuery, publishProblem, reloadSize, serveQuestion, servedNotice, serving, withOlder } from "../models";
import type { ModelSummary } from "../types";

export interface ModelHistoryProps {
  /** Changes when a training job published a model: the list is read again. */
  refresh: number;
  /** A training job is queued or running (serving a model now makes it end rejected). */
  training: boolean;
  /** The models listed, after every read (the page shows which one serves). */
  onList: (models: ModelSummary[]) => void;
  /** A model was served: the training job's view is read again. */
  onServed: () => void;
}

export function ModelHistory({ refresh, training, onList, onServed }: ModelHistoryProps) {
  const api = useApi();
  const { bot, saved, dirty } = useDraft();
  const [models, setModels] = useState<ModelSummary[] | null>(null);
  const [more, setMore] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [serving_, setServing] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  // Every read bumps it; an answer to an earlier read (another bot, a list read again) is dropped.
  const generation = useRef(0);
  const shown = useRef(0);

  const load = async (size: number): Promise<void> => {
    const mine = ++generation.current;
    try {
      const page = pageOf(await api.models(bot, pageQuery(size)), size);
      if (mine !== generation.current) return;
      shown.current = page.shown.length;
      setModels(page.shown);
      setMore(page.more);
      setLoadError(null);
      onList(page.shown);
    } catch (err) {
      if (mine === generation.current) setLoadError(describe(err));
    }
  };

  useEffect(() => {
    setModels(null);
    setNotice(null);
    setProblem(null);
    shown.current = 0;
    void load(PAGE);
  }, [bot]);
  useEffect(() => {
    if (refresh === 0) return;
    // A new model serves: what the last rollback said no longer holds.
    setNotice(null);
    setProblem(null);
    void load(reloadSize(shown.current));
  }, [refresh]);

  const showOlder = async (): Promise<void> => {
    const last = models?.[models.length - 1];
    if (!last || loadingOlder) return;
    const mine = generation.current;
    setLoadingOlder(true);
    try {
      const page = pageOf(await api.models(bot, pageQuery(PAGE, last.version)), PAGE);
      if (mine !== generation.current) return;
      const list = withOlder(models ?? [], page.shown);
      shown.current = list.length;
      setModels(list);
      setMore(page.more);
      setLoadError(null);
    } catch (err) {
      if (mine === generation.current) setLoadError(`Cannot show older models: ${describe(err)}`);
    } finally {
      setLoadingOlder(false);
    }
  };

  const serve = async (model: ModelSummary): Promise<void> => {
    if (serving_ !== null || !confirm(serveQuestion(bot, model, saved, { dirty, training }))) return;
    setServing(model.version);
    setProblem(null);
    setNotice(null);
    let served = false;
    try {
      setNotice(servedNotice(bot, model.version, await api.publishModel(bot, model.version)));
      served = true;
    } catch (err) {
      setProblem(publishProblem(model.version, err));
    } finally {
      setServing(null);
    }
    await load(reloadSize(shown.current));
    if (served) {
      onServed();
      // The button pressed may be gone (the model now serves): the focus goes to what happened.
      noticeRef.current?.focus();
    }
  };

  return (
    <section aria-labelledby="models-title" class="models">
      <h3 id="models-title">Models</h3>
      <p class="muted small">Every model training published, newest first. Serving an earlier one again takes effect at once; the next training is held to its scores.</p>
      {notice && (
        <div class="notice success" role="status" tabIndex={-1} ref={noticeRef}>
          {notice.split("\n").map((line, index) => (
            <p key={index}>{line}</p>
          ))}
        </div>
      )}
      <ErrorBox title="The model was not served" error={problem} />
      <ErrorBox title="Cannot list the models" error={loadError}>
        <button type="button" class="secondary" onClick={() => load(reloadSize(shown.current))}>
          Retry
        </button>
      </ErrorBox>
      {models === null && !loadError && (
        <p class="muted" role="status" aria-busy="true">
          Loading the models…
        </p>
      )}
      {models?.length === 0 && <p class="empty">No models yet: train the bot.</p>}
      {models && models.length > 0 && (
        <ol class="model-list" aria-label={`Models of ${bot}, newest first`}>
          {models.map((model) => (
            <ModelItem key={model.version} model={model} list={models} busy={serving_} onServe={serve} />
          ))}
        </ol>
      )}
      {more && (
        <button type="button" class="secondary" onClick={showOlder} aria-disabled={loadingOlder || undefined}>
          {loadingOlder ? "Showing older…" : "Show older"}
        </button>
      )}
    </section>
  );
}

function ModelItem(props: { model: ModelSummary; list: ModelSummary[]; busy: string | null; onServe: (model: ModelSummary) => void }) {
  const { model, busy } = props;
  const state = serving(model, props.list);
  const titleId = `model-${model.version}`;
  const metrics = keyMetrics(model.metrics);
  return (
    <li class="card model" data-version={model.version} data-serving={state.kind} aria-labelledby={titleId}>
      <h4 id={titleId}>
        Model <code>{model.version}</code>
        {state.kind === "served" && <span class="badge">served</span>}
        {state.kind === "retired" && <span class="badge warn">retired</span>}
      </h4>
      <p class="muted small">
        Trained {when(model.created_at)}
        {model.intents !== null && model.intents !== undefined && <> · {model.intents} intents</>}
        {model.republished_from && (
          <>
            {" "}
            · re-publishes model {model.republished_from}
            {model.requested_at && <>, since {when(model.requested_at)}</>}
          </>
        )}
      </p>
      {metrics.length > 0 && (
        <dl class="metrics">
          {metrics.map(({ key, label, shown }) => (
            // data-score, not the evaluation's data-metric: the job's evaluation is on the same page.
            <div key={key} class="metric" data-score={key}>
              <dt>{label}</dt>
              <dd>{shown}</dd>
            </div>
          ))}
        </dl>
      )}
      {state.kind === "served-as" && <p class="small">Serves now, as model {state.version}.</p>}
      {state.kind === "servable" && (
        // aria-disabled while a model is being served, not disabled: a disabled button loses the focus.
        <button type="button" class="secondary" onClick={() => props.onServe(model)} aria-disabled={busy !== null || undefined}>
          {busy === model.version ? "Serving…" : "Serve this model"}
          <span class="sr-only"> ({model.version})</span>
        </button>
      )}
    </li>
  );
}
