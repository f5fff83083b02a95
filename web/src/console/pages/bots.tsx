// All bots: create, import (native or AI Chatbot Framework, JSON or YAML), export, delete.

import { useCallback, useEffect, useState } from "preact/hooks";
import { type Api, ApiError, describe, preconditionFailed } from "../api";
import { Empty, ErrorBox, Field, Loading, TextInput, download, when } from "../components/ui";
import { useApi, useNotify } from "../context";
import { BOT_NAME, BOT_NAME_RULE, botNameFromFile } from "../names";
import { href, navigate } from "../router";
import { starterBot } from "../starter";
import { type Trained, trainedStates } from "../trained";
import type { BotSummary } from "../types";

export function BotsPage() {
  const api = useApi();
  const [bots, setBots] = useState<BotSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setBots(await api.listBots());
      setError(null);
    } catch (err) {
      setError(describe(err));
    }
  }, [api]);
  useEffect(() => void load(), [load]);

  return (
    <section aria-labelledby="bots-title">
      <h1 id="bots-title">Bots</h1>
      <ErrorBox error={error} />
      {bots === null && !error && <Loading what="bots" />}
      {bots && bots.length === 0 && <Empty>No bots yet: create one or import a definition.</Empty>}
      {bots && bots.length > 0 && <BotTable bots={bots} onChanged={load} />}
      <div class="columns">
        <CreateBot />
        <ImportBot onImported={load} />
      </div>
    </section>
  );
}

function BotTable({ bots, onChanged }: { bots: BotSummary[]; onChanged: () => Promise<void> }) {
  const api = useApi();
  const notify = useNotify();
  const [trained, setTrained] = useState<Record<string, Trained>>({});
  useEffect(() => {
    let current = true;
    void trainedStates(api, bots.map((bot) => bot.name)).then((states) => current && setTrained(states));
    return () => void (current = false);
  }, [api, bots]);
  const exportBot = async (name: string, format: "native" | "acf"): Promise<void> => {
    try {
      const definition = await api.getBot(name, format);
      download(`${name}${format === "acf" ? ".acf" : ""}.json`, JSON.stringify(definition, null, 2));
    } catch (err) {
      notify(describe(err), "error");
    }
  };
  const remove = async (name: string): Promise<void> => {
    const gone = "Its definition, models, conversations and analytics go with it; transcript archives in storage stay.";
    if (!confirm(`Delete the bot “${name}”? ${gone} This cannot be undone.`)) return;
    try {
      await api.deleteBot(name);
      notify(`Deleted ${name}`, "success");
      await onChanged();
    } catch (err) {
      notify(describe(err), "error");
    }
  };
  return (
    <div class="table-scroll">
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Bot</th>
            <th scope="col">Intents</th>
            <th scope="col">Model</th>
            <th scope="col" class="optional">Entities</th>
            <th scope="col" class="optional">Version</th>
            <th scope="col" class="optional">Updated</th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {bots.map((bot) => (
            <tr key={bot.name}>
              <td>
                <a href={href("bots", bot.name, "intents")}>{bot.name}</a>
                {bot.description && <div class="muted small">{bot.description}</div>}
              </td>
              <td>{bot.intents}</td>
              <td data-trained={trained[bot.name]?.kind}>
                <ModelCell bot={bot.name} state={trained[bot.name]} />
              </td>
              <td class="optional">{bot.entities}</td>
              <td class="optional">{bot.version}</td>
              <td class="optional">{when(bot.updated_at)}</td>
              <td class="actions">
                <button type="button" class="secondary" onClick={() => exportBot(bot.name, "native")} aria-label={`Export ${bot.name}`}>
                  Export
                </button>
                <button type="button" class="secondary" onClick={() => exportBot(bot.name, "acf")} aria-label={`Export ${bot.name} for AI Chatbot Framework`}>
                  Export ACF
                </button>
                <button type="button" class="danger" onClick={() => remove(bot.name)} aria-label={`Delete ${bot.name}`}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The model a bot is served by, or that it has none: it answers only with its fallback reply. */
function ModelCell({ bot, state }: { bot: string; state: Trained | undefined }) {
  if (!state) return <span class="muted">…</span>;
  if (state.kind === "unknown") return <span class="muted" title={state.error}>?</span>;
  if (state.kind === "trained") return <span class="small">trained {when(state.model.created_at)}</span>;
  return (
    <a href={href("bots", bot, "train")} class="badge warn" title="It answers every message with its fallback reply until its first training succeeds.">
      not trained
    </a>
  );
}

function CreateBot() {
  const api = useApi();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  // A refused name is shown at the Name field (and marks it invalid); other errors below the form.
  const [nameError, setNameError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const taken = `A bot named “${name}” exists: choose another name, or open it from the list.`;
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setError(null);
    if (!BOT_NAME.test(name)) {
      setNameError(BOT_NAME_RULE);
      return;
    }
    setNameError(null);
    try {
      // PUT replaces: creating must not overwrite a bot that exists (the list may be stale).
      if (await botExists(api, name)) {
        setNameError(taken);
        return;
      }
      await api.putBot(name, starterBot(name, description), "create");
      navigate("bots", name, "intents");
    } catch (err) {
      // Created by someone else since the check above.
      if (preconditionFailed(err)) setNameError(taken);
      else setError(describe(err));
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="create-title">
      <h2 id="create-title">New bot</h2>
      <p class="muted small">It starts with a welcome, a fallback and a cancel intent, ready to train; edit them or add your own.</p>
      <Field label="Name" hint={BOT_NAME_RULE} error={nameError}>
        {(id, aria) => <TextInput id={id} {...aria} value={name} onValue={setName} required />}
      </Field>
      <Field label="Description">{(id) => <TextInput id={id} value={description} onValue={setDescription} />}</Field>
      <ErrorBox error={error} />
      <button type="submit">Create bot</button>
    </form>
  );
}

function ImportBot({ onImported }: { onImported: () => Promise<void> }) {
  const api = useApi();
  // Said in the card, under the button, not in a toast over the form: what to do next goes with it.
  const [imported, setImported] = useState<BotSummary | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [typed, setTyped] = useState(false); // a name the user typed stays when another file is chosen
  const [nameError, setNameError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const choose = (chosen: File | null): void => {
    setFile(chosen);
    setImported(null);
    if (chosen && !typed) setName(botNameFromFile(chosen.name));
  };
  const rename = (value: string): void => {
    setName(value);
    setTyped(value !== "");
  };
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!file) return;
    setError(null);
    setImported(null);
    if (!BOT_NAME.test(name)) {
      setNameError(BOT_NAME_RULE);
      return;
    }
    setNameError(null);
    try {
      if ((await botExists(api, name)) && !confirm(`A bot named “${name}” exists. Importing ${file.name} replaces its definition. Replace ${name}?`)) return;
      setImported(await api.importBot(name, file));
      setError(null);
      setTyped(false);
      await onImported();
    } catch (err) {
      setError(describe(err));
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="import-title">
      <h2 id="import-title">Import</h2>
      <p class="muted small">A Parley definition or an AI Chatbot Framework export, JSON or YAML. Importing onto an existing bot replaces it (you are asked first).</p>
      <Field label="Definition file">
        {(id) => <input id={id} type="file" accept=".json,.yaml,.yml,application/json" onChange={(e) => choose(e.currentTarget.files?.[0] ?? null)} />}
      </Field>
      <Field label="Bot name" hint={BOT_NAME_RULE} error={nameError}>
        {(id, aria) => <TextInput id={id} {...aria} value={name} onValue={rename} required />}
      </Field>
      <ErrorBox error={error} />
      <button type="submit" disabled={!file || !name}>
        Import
      </button>
      <div role="status">{imported && <ImportedNotice summary={imported} />}</div>
    </form>
  );
}

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** What an import did, and that the bot answers with it only once trained. */
function ImportedNotice({ summary }: { summary: BotSummary }) {
  const { name } = summary;
  return (
    <p class="notice success">
      Imported {name}: {count(summary.intents, "intent")}, {count(summary.entities, "entity", "entities")}. <a href={href("bots", name, "train")}>Train {name}</a> to
      answer with this definition: until a training succeeds, it answers with the model it had, or, never trained, with its fallback reply
      to every message.
    </p>
  );
}

async function botExists(api: Api, name: string): Promise<boolean> {
  try {
    await api.getBot(name);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return false;
    throw err;
  }
}
