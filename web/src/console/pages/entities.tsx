// Entities: a dictionary of values with synonyms, a pattern (regex), or open (learnt from the
// labelled examples); renaming one.

import { useRef, useState } from "preact/hooks";
import { RenameForm } from "../components/rename-form";
import { ChipInput, Empty, ErrorBox, TextInput } from "../components/ui";
import { useNotify } from "../context";
import { useDraft } from "../draft";
import { exampleSpans } from "../examples";
import { ITEM_NAME, ITEM_NAME_RULE } from "../names";
import { entityRenameRefusal, renameEntity } from "../rename";
import { href, navigate, replaceRoute } from "../router";
import type { Entity } from "../types";

type Kind = "values" | "pattern" | "open";

export function EntitiesPage({ selected }: { selected: string | undefined }) {
  const { draft, bot } = useDraft();
  const entities = draft.entities ?? [];
  const index = entities.findIndex((e) => e.name === selected);
  const current = entities[index] ?? null;
  return (
    <div class="split">
      <aside class="sidebar" aria-label="Entities">
        <NewEntity />
        <ul class="nav-list">
          {entities.map((entity) => (
            <li key={entity.name}>
              <a href={href("bots", bot, "entities", entity.name)} aria-current={entity.name === selected ? "page" : undefined}>
                <span>{entity.name}</span>
                <small class="muted">{kindOf(entity)}</small>
              </a>
            </li>
          ))}
        </ul>
      </aside>
      <div class="content">
        {current ? (
          // Keyed by place, not name: a rename keeps the editor, and what is typed in it.
          <EntityEditor key={index} entity={current} />
        ) : selected ? (
          <ErrorBox error={`No entity “${selected}” in this bot.`} />
        ) : (
          <Empty>Entities are the values a bot picks out of a sentence: sizes, dates, order numbers.</Empty>
        )}
      </div>
    </div>
  );
}

/** The kind shows in the draft itself (so Discard puts it back): a pattern, even an empty one being
 * written; a list of values, even an empty one being filled; neither is open. The server omits an
 * empty list, so an entity saved with no values comes back open, as the NLU treats it. */
function kindOf(entity: Entity): Kind {
  if (typeof entity.pattern === "string") return "pattern";
  return entity.values ? "values" : "open";
}

function NewEntity() {
  const { draft, update, bot } = useDraft();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = (event: Event): void => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!ITEM_NAME.test(trimmed)) return setError(ITEM_NAME_RULE);
    if ((draft.entities ?? []).some((e) => e.name === trimmed)) return setError("That entity exists already.");
    update((d) => void (d.entities = [...(d.entities ?? []), { name: trimmed, values: [] }]));
    setName("");
    setError(null);
    navigate("bots", bot, "entities", trimmed);
  };
  return (
    <form onSubmit={submit} class="inline-form">
      <TextInput aria-label="New entity name" placeholder="new_entity" value={name} onValue={setName} />
      <button type="submit">Add entity</button>
      <ErrorBox error={error} />
    </form>
  );
}

/** Rename the entity in the draft, with the parameters and labels that use it. */
function RenameEntity({ entity, onClose }: { entity: Entity; onClose: () => void }) {
  const { draft, update, bot } = useDraft();
  const notify = useNotify();
  const from = entity.name;
  const rename = (to: string): void => {
    update((d) => void Object.assign(d, renameEntity(d, from, to)));
    replaceRoute("bots", bot, "entities", to);
    notify(`Renamed entity “${from}” to “${to}”. Save, then train the bot to use the changes.`);
  };
  return (
    <RenameForm
      kind="entity"
      current={from}
      note={`The parameters and labels that use “${from}” follow. Conversations in progress and analytics keep the old name, and the NLU finds “${from}” until the bot is trained again: save, then train the bot to use the changes.`}
      refusal={(to) => entityRenameRefusal(draft, from, to)}
      onRename={rename}
      onClose={onClose}
    />
  );
}

function EntityEditor({ entity }: { entity: Entity }) {
  const { draft, update, bot } = useDraft();
  const kind = kindOf(entity);
  const [value, setValue] = useState("");
  const [valueError, setValueError] = useState<string | null>(null);
  const [renaming, setRenaming] = useState(false);
  const renameButton = useRef<HTMLButtonElement>(null);
  const change = (fn: (e: Entity) => void): void =>
    update((d) => {
      const target = d.entities?.find((e) => e.name === entity.name);
      if (target) fn(target);
    });
  const values = entity.values ?? [];
  const usedBy = (draft.intents ?? []).filter(
    (i) => (i.parameters ?? []).some((p) => p.entity === entity.name) || (i.examples ?? []).some((ex) => exampleSpans(ex).some((s) => s.entity === entity.name)),
  );
  const switchKind = (next: Kind): void =>
    change((e) => {
      if (next !== "pattern") delete e.pattern;
      if (next !== "values") delete e.values;
      if (next === "pattern") e.pattern = e.pattern ?? "";
      if (next === "values") e.values = e.values ?? [];
    });
  const addValue = (event: Event): void => {
    event.preventDefault();
    const trimmed = value.trim();
    if (!trimmed) return;
    if (values.some((v) => v.value === trimmed)) return setValueError(`“${trimmed}” is a value of ${entity.name} already.`);
    change((e) => void (e.values = [...(e.values ?? []), { value: trimmed, synonyms: [] }]));
    setValue("");
    setValueError(null);
  };
  const remove = (): void => {
    if (usedBy.length && !confirm(`“${entity.name}” is used by ${usedBy.map((i) => i.id).join(", ")}. Delete it anyway?`)) return;
    update((d) => void (d.entities = (d.entities ?? []).filter((e) => e.name !== entity.name)));
    navigate("bots", bot, "entities");
  };
  return (
    <article class="editor" aria-labelledby="entity-title">
      <header class="editor-head">
        <h2 id="entity-title">{entity.name}</h2>
        <div class="button-row">
          <button type="button" class="secondary" ref={renameButton} aria-expanded={renaming} onClick={() => setRenaming(!renaming)}>
            Rename entity
          </button>
          <button type="button" class="danger" onClick={remove}>
            Delete entity
          </button>
        </div>
      </header>
      {renaming && (
        <RenameEntity
          entity={entity}
          onClose={() => {
            setRenaming(false);
            renameButton.current?.focus();
          }}
        />
      )}
      {usedBy.length > 0 && <p class="muted small">Used by: {usedBy.map((i) => i.id).join(", ")}</p>}
      <fieldset class="radios">
        <legend>Kind</legend>
        {(
          [
            ["values", "Values with synonyms"],
            ["pattern", "Pattern (regular expression)"],
            ["open", "Open: learnt from labelled examples"],
          ] as const
        ).map(([id, label]) => (
          <label key={id} class="check">
            <input type="radio" name="kind" checked={kind === id} onChange={() => switchKind(id)} /> {label}
          </label>
        ))}
      </fieldset>
      {kind === "pattern" && (
        <label class="field">
          <span>Pattern</span>
          <input type="text" class="mono" placeholder="ORD[0-9]{6}" value={entity.pattern ?? ""} onInput={(e) => { const v = e.currentTarget.value; change((en) => void (en.pattern = v)); }} />
        </label>
      )}
      {kind === "values" && (
        <section aria-labelledby="values-title">
          <h3 id="values-title">Values</h3>
          <div class="table-scroll">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Value</th>
                  <th scope="col">Synonyms</th>
                  <th scope="col"><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {values.map((v, index) => (
                  <tr key={v.value}>
                    <th scope="row">{v.value}</th>
                    <td>
                      <ChipInput
                        label={`Synonyms of ${v.value}`}
                        values={v.synonyms ?? []}
                        placeholder="Add synonym…"
                        onChange={(synonyms) => change((e) => { const target = e.values?.[index]; if (target) target.synonyms = synonyms; })}
                      />
                    </td>
                    <td>
                      <button type="button" class="icon" aria-label={`Remove value ${v.value}`} onClick={() => change((e) => void e.values?.splice(index, 1))}>
                        ×
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <form class="inline-form" onSubmit={addValue}>
            <TextInput aria-label="New value" data-adds="New value" placeholder="New value" value={value} onValue={setValue} />
            <button type="submit">Add value</button>
            <ErrorBox error={valueError} />
          </form>
        </section>
      )}
      {kind === "open" && <p class="muted">The NLU learns this entity from the words labelled in the intents' examples.</p>}
    </article>
  );
}
