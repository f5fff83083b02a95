// Example sentences, and labelling entities in them by selecting their words with the mouse (or,
// from the keyboard, by typing the words into the label form).

import { useEffect, useRef, useState } from "preact/hooks";
import { ErrorBox } from "../components/ui";
import { exampleSpans, exampleText, removeSpan, retext, segments, selectedExample, spanText } from "../examples";
import type { Place } from "../examples";
import type { Example } from "../types";
import { EditExample, LabelForm } from "./example-forms";

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
