// Intents: the list, a form for a new one, and the editor of the selected one.

import { useRef, useState } from "preact/hooks";
import { Empty, ErrorBox, StringList, TextInput } from "../components/ui";
import { useDraft } from "../draft";
import { exampleText } from "../examples";
import { deleteIntentQuestion } from "../intent-uses";
import { ITEM_NAME, ITEM_NAME_RULE } from "../names";
import { replyPlaceholder } from "../placeholders";
import { roleIntent } from "../roles";
import { href, navigate } from "../router";
import type { Intent } from "../types";
import { ExamplesEditor } from "./intent-examples";
import { ActionEditor, ButtonsEditor, ParametersEditor, RenameIntent } from "./intent-details";


export function IntentsPage({ selected }: { selected: string | undefined }) {
  const { draft, bot } = useDraft();
  const intents = draft.intents ?? [];
  const [filter, setFilter] = useState("");
  const shown = intents.filter((i) => `${i.id} ${i.name ?? ""}`.toLowerCase().includes(filter.toLowerCase()));
  const index = intents.findIndex((i) => i.id === selected);
  const current = intents[index] ?? null;
  return (
    <div class="split">
      <aside class="sidebar" aria-label="Intents">
        <NewIntent />
        <input type="search" aria-label="Filter intents" placeholder="Filter…" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        <ul class="nav-list">
          {shown.map((intent) => (
            <li key={intent.id}>
              <a href={href("bots", bot, "intents", intent.id)} aria-current={intent.id === selected ? "page" : undefined}>
                <span>{intent.id}</span>
                <small class="muted">{(intent.examples ?? []).length} ex.</small>
              </a>
            </li>
          ))}
        </ul>
      </aside>
      <div class="content">
        {current ? (
          // Keyed by place, not id: a rename keeps the editor, and what is typed in it.
          <IntentEditor key={index} intent={current} />
        ) : selected ? (
          <ErrorBox error={`No intent “${selected}” in this bot.`} />
        ) : (
          <Empty>Choose an intent, or create one. Intents are what users mean; each needs a few example sentences.</Empty>
        )}
      </div>
    </div>
  );
}

function NewIntent() {
  const { draft, update, bot } = useDraft();
  const [id, setId] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = (event: Event): void => {
    event.preventDefault();
    const trimmed = id.trim();
    if (!ITEM_NAME.test(trimmed)) return setError(ITEM_NAME_RULE);
    if ((draft.intents ?? []).some((i) => i.id === trimmed)) return setError("That intent exists already.");
    update((d) => {
      d.intents = [...(d.intents ?? []), { id: trimmed, name: "", examples: [], replies: [] }];
    });
    setId("");
    setError(null);
    navigate("bots", bot, "intents", trimmed);
  };
  return (
    <form onSubmit={submit} class="inline-form">
      <TextInput aria-label="New intent id" data-adds="New intent id" placeholder="new_intent_id" value={id} onValue={setId} />
      <button type="submit">Add intent</button>
      <ErrorBox error={error} />
    </form>
  );
}

function IntentEditor({ intent }: { intent: Intent }) {
  const { draft, update, bot, holdHeaderBox } = useDraft();
  const change = (fn: (i: Intent) => void): void =>
    update((d) => {
      const target = d.intents?.find((i) => i.id === intent.id);
      if (target) fn(target);
    });
  const [renaming, setRenaming] = useState(false);
  const renameButton = useRef<HTMLButtonElement>(null);
  const replies = typeof intent.replies === "string" ? [intent.replies] : (intent.replies ?? []);
  const isFallback = roleIntent(draft.settings, "fallback_intent") === intent.id;
  const remove = (): void => {
    if (!confirm(deleteIntentQuestion(draft, intent.id))) return;
    update((d) => {
      d.intents = (d.intents ?? []).filter((i) => i.id !== intent.id);
    });
    holdHeaderBox(intent.id, null);
    navigate("bots", bot, "intents");
  };
  return (
    <article aria-labelledby="intent-title" class="editor">
      <header class="editor-head">
        <h2 id="intent-title">{intent.id}</h2>
        <div class="button-row">
          <button type="button" class="secondary" ref={renameButton} aria-expanded={renaming} onClick={() => setRenaming(!renaming)}>
            Rename intent
          </button>
          <button type="button" class="danger" onClick={remove}>
            Delete intent
          </button>
        </div>
      </header>
      {renaming && (
        <RenameIntent
          intent={intent}
          onClose={() => {
            setRenaming(false);
            renameButton.current?.focus();
          }}
        />
      )}
      <label class="field">
        <span>Display name</span>
        <input type="text" value={intent.name ?? ""} onInput={(e) => {
            const name = e.currentTarget.value;
            change((i) => void (i.name = name));
          }} />
      </label>
      {isFallback ? (
        <p class="muted">This is the fallback intent: it is never trained; its replies answer what the bot did not understand.</p>
      ) : (
        <ExamplesEditor
          examples={intent.examples ?? []}
          onChange={(examples) => change((i) => void (i.examples = examples))}
          otherExample={(text) => findDuplicate(draft.intents ?? [], intent.id, text)}
        />
      )}
      <ParametersEditor intent={intent} change={change} />
      <StringList
        label="Replies"
        items={replies}
        multiline
        addLabel="Add reply variant"
        placeholder={replyPlaceholder(intent)}
        onChange={(items) => change((i) => void (i.replies = items))}
      />
      <p class="muted small">One variant is picked at random. “###” splits a reply into several messages; {"{{ parameters.name }}"} inserts a parameter.</p>
      <ButtonsEditor intent={intent} change={change} />
      <ActionEditor intent={intent} change={change} />
    </article>
  );
}

function findDuplicate(intents: Intent[], self: string, text: string): string | null {
  const wanted = text.trim().toLowerCase();
  for (const intent of intents) {
    if ((intent.examples ?? []).some((e) => exampleText(e).trim().toLowerCase() === wanted)) return intent.id === self ? self : intent.id;
  }
  return null;
}
