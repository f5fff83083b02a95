// Example sentences, and labelling entities in them by selecting their words with the mouse (or,
// from the keyboard, by typing the words into the label form).

import { useEffect, useId, useRef, useState } from "preact/hooks";
import { ErrorBox } from "../components/ui";
import { useDraft } from "../draft";
import { addSpan, exampleSpans, exampleText, freePlaces, placeInContext, removeSpan, retext, segments, selectedExample, spanText } from "../examples";
import type { Place } from "../examples";
import { ITEM_NAME, ITEM_NAME_RULE } from "../names";
import type { Example } from "../types";

/** The one example whose label form is open, and the words selected in it with the mouse (none
 * when it was opened with its "Label words" button). */
interface Labelling {
  index: number;
  selection: Place | null;
}

export function ExamplesEditor(props: {
  examples: Example[];
  onChange: (examples: Example[]) => void;
  /** The intent that has `text` as an example already (this one's id included), or null. */
  otherExample: (text: string) => string | null;
}) {
  const { examples, onChange } = props;
  const [text, setText] = useState("");
  // The text "Add example" refused; the refusal shows while the box holds it and it is still a
  // duplicate (editing or deleting the other example ends it).
  const [refused, setRefused] = useState<string | null>(null);
  const [labelling, setLabelling] = useState<Labelling | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const newExample = useRef<HTMLInputElement>(null);
  // Keyboard focus after a row's editor closes or the row is deleted: the Edit button of the row
  // now at that place (the next example), else the New example box; never lost to <body>.
  const [refocus, setRefocus] = useState<{ index: number } | null>(null);
  useEffect(() => {
    if (!refocus || !list.current) return;
    const rows = list.current.querySelectorAll<HTMLElement>("li.example");
    const row = rows[Math.min(refocus.index, rows.length - 1)];
    (row?.querySelector<HTMLElement>("button[data-edit]") ?? newExample.current)?.focus();
    setRefocus(null);
  }, [refocus]);

  useEffect(() => {
    // Read the selection once the mouse (or finger) is up: opening the label form moves the rows
    // below, and doing that mid-drag would extend the selection to other words.
    let dragging = false;
    const read = (): void => {
      // Selecting text in a box (the label form's Words) is typing, not choosing words to label.
      if (document.activeElement?.matches("input, select, textarea")) return;
      const current = document.getSelection();
      const range = current?.rangeCount ? current.getRangeAt(0) : null;
      if (!range || range.collapsed || !list.current) return;
      const selected = selectedExample(list.current, range);
      if (selected) setLabelling({ index: selected.index, selection: { start: selected.start, end: selected.end } });
      else if (range.intersectsNode(list.current)) setLabelling((open) => (open?.selection ? null : open)); // across examples: no stale label
    };
    const onSelection = (): void => {
      if (!dragging) read();
    };
    const down = (): void => void (dragging = true);
    const up = (): void => {
      if (!dragging) return;
      dragging = false;
      read();
    };
    document.addEventListener("selectionchange", onSelection);
    document.addEventListener("pointerdown", down);
    document.addEventListener("pointerup", up);
    document.addEventListener("pointercancel", up);
    return () => {
      document.removeEventListener("selectionchange", onSelection);
      document.removeEventListener("pointerdown", down);
      document.removeEventListener("pointerup", up);
      document.removeEventListener("pointercancel", up);
    };
  }, []);

  const duplicate = (value: string): string | null => {
    const owner = props.otherExample(value);
    return owner && `“${value}” is already an example of ${owner}.`;
  };
  const add = (event: Event): void => {
    event.preventDefault();
    const trimmed = text.trim();
    if (!trimmed) return;
    if (duplicate(trimmed)) return setRefused(trimmed);
    onChange([...examples, trimmed]);
    setText("");
    setRefused(null);
  };
  /** Why example `index` cannot become `value`: another example has that text. A change of case
   * only leaves it the same sentence, so it is allowed as before. */
  const editRefusal = (index: number, value: string): string | null => {
    const same = exampleText(examples[index] ?? "").trim().toLowerCase() === value.trim().toLowerCase();
    return same ? null : duplicate(value.trim());
  };
  const replace = (index: number, example: Example | null): void => {
    // A form on an example whose text changed, or on a row that moved, would label other words.
    const moved = example === null || exampleText(example) !== exampleText(examples[index] ?? "");
    if (moved) setLabelling(null);
    onChange(example === null ? examples.filter((_, i) => i !== index) : examples.map((e, i) => (i === index ? example : e)));
  };
  const refusal = refused !== null && refused === text.trim() ? duplicate(refused) : null;

  return (
    <section aria-labelledby="examples-title" class="examples">
      <h3 id="examples-title">Examples</h3>
      <p class="muted small">Select words in an example to label them as an entity.</p>
      <form onSubmit={add} class="inline-form">
        <input
          type="text"
          ref={newExample}
          aria-label="New example"
          data-adds="New example"
          placeholder="Type an example sentence and press Enter"
          value={text}
          maxLength={2000}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <button type="submit">Add example</button>
      </form>
      <ErrorBox error={refusal} />
      <ol ref={list} class="example-list">
        {examples.map((example, index) => (
          <ExampleRow
            key={`${index}:${exampleText(example)}`}
            index={index}
            example={example}
            labelling={labelling?.index === index ? labelling : null}
            onLabel={(open) => setLabelling(open ? { index, selection: null } : null)}
            editRefusal={(value) => editRefusal(index, value)}
            onChange={(next) => replace(index, next)}
            onRefocus={() => setRefocus({ index })}
          />
        ))}
      </ol>
    </section>
  );
}

function ExampleRow(props: {
  index: number;
  example: Example;
  labelling: Labelling | null;
  onLabel: (open: boolean) => void;
  editRefusal: (value: string) => string | null;
  onChange: (example: Example | null) => void;
  onRefocus: () => void;
}) {
  const { example, index, labelling } = props;
  const [editing, setEditing] = useState(false);
  const labelButton = useRef<HTMLButtonElement>(null);
  const text = exampleText(example);
  const spans = exampleSpans(example);
  return (
    <li class="example">
      {editing ? (
        <EditExample
          index={index}
          text={text}
          refusal={(value) => (value ? props.editRefusal(value) : null)} // empty: deletes it
          onDone={(value, byKey) => {
            setEditing(false);
            if (value !== null && value !== text) props.onChange(value ? retext(example, value) : null);
            if (byKey) props.onRefocus();
          }}
        />
      ) : (
        <p class="example-text" data-index={index}>
          {segments(example).map((segment) =>
            segment.span ? (
              <mark key={segment.start} data-entity={segment.span.entity} title={segment.span.entity}>
                {segment.text}
              </mark>
            ) : (
              <span key={segment.start}>{segment.text}</span>
            ),
          )}
        </p>
      )}
      <div class="example-actions">
        <button
          type="button"
          class="link"
          ref={labelButton}
          onClick={() => props.onLabel(!labelling)}
          aria-expanded={labelling !== null}
          aria-label={`Label words in example ${index + 1}`}
        >
          Label words
        </button>
        <button type="button" class="link" onClick={() => setEditing(true)} data-edit aria-label={`Edit example ${index + 1}`}>
          Edit
        </button>
        <button type="button" class="link danger" onClick={() => (props.onChange(null), props.onRefocus())} aria-label={`Delete example ${index + 1}`}>
          Delete
        </button>
      </div>
      {spans.length > 0 && (
        <ul class="spans" aria-label={`Labels of example ${index + 1}`}>
          {spans.map((span, i) => (
            <li key={`${span.start}-${span.end}`} class="chip" data-entity={span.entity}>
              <span>
                {span.entity}: “{spanText(text, span)}”
              </span>
              <button type="button" aria-label={`Remove label ${span.entity} “${spanText(text, span)}”`} onClick={() => props.onChange(removeSpan(example, i))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {labelling && (
        <LabelForm
          index={index}
          example={example}
          selection={labelling.selection}
          onDone={(next) => {
            if (next) props.onChange(next);
            props.onLabel(false);
            document.getSelection()?.removeAllRanges();
            labelButton.current?.focus(); // not lost to <body> with the form
          }}
        />
      )}
    </li>
  );
}

/** Label words of an example as an entity: the words selected with the mouse, or typed (whole
 * words, any case; where they are several times, the user picks which). Escape cancels. */
function LabelForm(props: { index: number; example: Example; selection: Place | null; onDone: (example: Example | null) => void }) {
  const { draft, update } = useDraft();
  const text = exampleText(props.example);
  const selected = props.selection ? spanText(text, props.selection) : "";
  const [words, setWords] = useState(selected);
  const [which, setWhich] = useState(0);
  const entities = (draft.entities ?? []).map((e) => e.name);
  const [entity, setEntity] = useState(entities[0] ?? "+new");
  const [newEntity, setNewEntity] = useState("");
  const [error, setError] = useState<string | null>(null);
  const wordsInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    setWords(selected);
    setWhich(0);
  }, [selected]);
  useEffect(() => {
    // Opened with its button rather than by selecting words: the keyboard goes into the form.
    if (!props.selection) wordsInput.current?.focus();
  }, []);

  const fromSelection = props.selection !== null && words === selected;
  const places = fromSelection ? [props.selection!] : freePlaces(props.example, words);
  const submit = (event: Event): void => {
    event.preventDefault();
    if (typeof places === "string") return setError(places);
    const place = places[Math.min(which, places.length - 1)]!;
    const name = entity === "+new" ? newEntity.trim() : entity;
    if (entity === "+new" && !ITEM_NAME.test(name)) return setError(`New entity name: ${ITEM_NAME_RULE}`);
    const result = addSpan(props.example, name, place.start, place.end);
    if (typeof result === "string") return setError(result);
    if (entity === "+new" && !entities.includes(name)) {
      update((d) => void (d.entities = [...(d.entities ?? []), { name }]));
    }
    props.onDone(result);
  };
  return (
    <form
      class="label-form"
      onSubmit={submit}
      aria-label={`Label an entity in example ${props.index + 1}`}
      onKeyDown={(e) => {
        if (e.key === "Escape") props.onDone(null);
      }}
    >
      <label>
        <span>Words</span>
        <input
          type="text"
          ref={wordsInput}
          value={words}
          onInput={(e) => {
            setWords(e.currentTarget.value);
            setWhich(0);
          }}
        />
      </label>
      {typeof places !== "string" && places.length > 1 && (
        <label>
          <span>Which “{words.trim()}”</span>
          <select value={which} onChange={(e) => setWhich(Number(e.currentTarget.value))}>
            {places.map((place, i) => (
              <option key={place.start} value={i}>
                {placeInContext(text, place)}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        <span>Entity</span>
        <select value={entity} onChange={(e) => setEntity(e.currentTarget.value)}>
          {entities.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
          <option value="+new">New entity…</option>
        </select>
      </label>
      {entity === "+new" && (
        <label>
          <span>New entity name</span>
          <input type="text" value={newEntity} onInput={(e) => setNewEntity(e.currentTarget.value)} />
        </label>
      )}
      <button type="submit">Label</button>
      <button type="button" class="secondary" onClick={() => props.onDone(null)}>
        Cancel
      </button>
      <ErrorBox error={error} />
    </form>
  );
}

/** An example's text in a box: Enter or leaving the box keeps it (empty: deletes the example),
 * Escape puts it back. A text another example has is refused, and the box stays open with it. */
function EditExample(props: {
  index: number;
  text: string;
  refusal: (value: string) => string | null;
  onDone: (value: string | null, byKey: boolean) => void;
}) {
  const [value, setValue] = useState(props.text);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const errorId = useId();
  const done = useRef(false);
  useEffect(() => input.current?.focus(), []);
  const finish = (result: string | null, byKey = false): void => {
    if (done.current) return;
    const refused = result === null ? null : props.refusal(result.trim());
    setError(refused);
    if (refused) return;
    done.current = true;
    props.onDone(result === null ? null : result.trim(), byKey);
  };
  const label = `Example ${props.index + 1}`;
  return (
    <div class="edit-example">
      {/* An edit not kept counts as unsaved work when leaving the bot, as text in an "add" box does. */}
      <input
        type="text"
        ref={input}
        aria-label={label}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? errorId : undefined}
        data-adds={label}
        data-unchanged={props.text}
        value={value}
        onInput={(e) => setValue(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") finish(value, true);
          else if (e.key === "Escape") finish(null, true);
        }}
        onBlur={() => finish(value)}
      />
      <div id={errorId}>
        <ErrorBox error={error} />
      </div>
    </div>
  );
}
