// The form that renames an intent or an entity: the new name (starting as the current one, to fix
// a typo), what a rename carries along and what keeps the old name, and why a name is refused.

import { useId, useLayoutEffect, useRef, useState } from "preact/hooks";
import { ErrorBox } from "./ui";

export function RenameForm(props: {
  /** "intent" or "entity". */
  kind: string;
  current: string;
  /** What follows the rename and what keeps the old name, shown before renaming. */
  note: string;
  /** Why the bot refuses `to` as the new name; null when it takes it. */
  refusal: (to: string) => string | null;
  onRename: (to: string) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState(props.current);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const noteId = useId();
  // Before the next keystroke: typing at once replaces the current name.
  useLayoutEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  const submit = (event: Event): void => {
    event.preventDefault();
    const to = name.trim();
    const refused = props.refusal(to);
    if (refused) return setError(refused);
    if (to !== props.current) props.onRename(to);
    props.onClose();
  };
  const label = `Rename ${props.current} to`;
  return (
    <form class="card rename-form" aria-label={`Rename ${props.kind}`} onSubmit={submit}>
      <label class="field">
        <span>{label}</span>
        {/* Counts as unsaved work when leaving the bot once it differs from the current name. */}
        <input
          ref={input}
          type="text"
          value={name}
          aria-describedby={noteId}
          aria-invalid={error ? "true" : undefined}
          data-adds={label}
          data-unchanged={props.current}
          onInput={(e) => setName(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape") props.onClose();
          }}
        />
      </label>
      <p id={noteId} class="muted small">{props.note}</p>
      <ErrorBox error={error} />
      <div class="button-row">
        <button type="submit">Rename</button>
        <button type="button" class="secondary" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
