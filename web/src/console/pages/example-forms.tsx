// The two forms of an example row: labelling its words as an entity, and editing its text.

import { useEffect, useId, useRef, useState } from "preact/hooks";
import { ErrorBox } from "../components/ui";
import { useDraft } from "../draft";
import { addSpan, exampleText, freePlaces, placeInContext, spanText } from "../examples";
import type { Place } from "../examples";
import { ITEM_NAME, ITEM_NAME_RULE } from "../names";
import type { Example } from "../types";

/** Label words of an example as an entity: the words selected with the mouse, or typed (whole
 * words, any case; where they are several times, the user picks which). Escape cancels. */
export function LabelForm(props: { index: number; example: Example; selection: Place | null; onDone: (example: Example | null) => void }) {
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
export function EditExample(props: {
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
