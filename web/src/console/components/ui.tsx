// Small building blocks shared by the console's pages.

import type { ComponentChildren } from "preact";
import { useId, useState } from "preact/hooks";
import { tokenize } from "../../shared/richtext";
import { chipText, entitiesToShow, valueText } from "../entity-values";

/** An error, titled; `children` are what the user can do about it (a Retry button). */
export function ErrorBox({ error, title, children }: { error: string | null; title?: string; children?: ComponentChildren }) {
  if (!error) return null;
  return (
    <div class="error-box" role="alert">
      {title && <strong>{title}</strong>}
      <pre>{error}</pre>
      {children}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status" aria-busy="true">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

export function NotFound() {
  return (
    <section aria-labelledby="not-found-title">
      <h1 id="not-found-title">Page not found</h1>
      <Empty>
        Nothing lives at this address. <a href="#/">Go to the bots</a>.
      </Empty>
    </section>
  );
}

/** What a field's control says about its error and hint; spread onto the control. */
export interface FieldAria {
  "aria-invalid"?: true;
  "aria-describedby"?: string;
}

/** A labelled control with its hint and, when the value was refused, the error, both tied to the
 * control (`aria-describedby`, `aria-invalid`) through the second argument of `children`. */
export function Field(props: {
  label: string;
  hint?: string;
  error?: string | null;
  children: (id: string, aria: FieldAria) => ComponentChildren;
}) {
  const id = useId();
  // An error that says what the hint says (the rule the value broke) stands in for it.
  const hint = props.hint && !props.error?.includes(props.hint) ? props.hint : null;
  const described = [props.error ? `${id}-error` : "", hint ? `${id}-hint` : ""].filter(Boolean).join(" ");
  const aria: FieldAria = {
    ...(props.error ? { "aria-invalid": true } : {}),
    ...(described ? { "aria-describedby": described } : {}),
  };
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children(id, aria)}
      {props.error && (
        <small id={`${id}-error`} class="field-error" role="alert">
          {props.error}
        </small>
      )}
      {hint && (
        <small id={`${id}-hint`} class="muted">
          {hint}
        </small>
      )}
    </div>
  );
}

interface InputProps {
  value: string;
  onValue: (value: string) => void;
  id?: string;
  placeholder?: string;
  required?: boolean;
  "aria-label"?: string;
  "aria-invalid"?: true;
  "aria-describedby"?: string;
  /** Marks an "add" input: text left in it counts as unsaved work when leaving the bot. */
  "data-adds"?: string;
}

export function TextInput({ value, onValue, ...rest }: InputProps) {
  return <input type="text" {...rest} value={value} onInput={(e) => onValue(e.currentTarget.value)} />;
}

/** An editable list of strings (replies, prompts): one row each, add and remove. */
export function StringList(props: {
  label: string;
  items: string[];
  onChange: (items: string[]) => void;
  placeholder?: string;
  multiline?: boolean;
  addLabel?: string;
}) {
  const { items, onChange } = props;
  const set = (index: number, value: string): void => onChange(items.map((it, i) => (i === index ? value : it)));
  return (
    <fieldset class="string-list">
      <legend>{props.label}</legend>
      {items.map((item, index) => (
        <div class="row" key={index}>
          {props.multiline ? (
            <textarea
              aria-label={`${props.label} ${index + 1}`}
              rows={2}
              value={item}
              placeholder={props.placeholder}
              onInput={(e) => set(index, e.currentTarget.value)}
            />
          ) : (
            <input
              type="text"
              aria-label={`${props.label} ${index + 1}`}
              value={item}
              placeholder={props.placeholder}
              onInput={(e) => set(index, e.currentTarget.value)}
            />
          )}
          <button
            type="button"
            class="icon"
            aria-label={`Remove ${props.label.toLowerCase()} ${index + 1}`}
            onClick={() => onChange(items.filter((_, i) => i !== index))}
          >
            ×
          </button>
        </div>
      ))}
      <button type="button" class="link" onClick={() => onChange([...items, ""])}>
        + {props.addLabel ?? "Add"}
      </button>
    </fieldset>
  );
}

/** Words as removable chips with an input that adds on Enter or comma (synonyms, choices). */
export function ChipInput(props: { label: string; values: string[]; onChange: (values: string[]) => void; placeholder?: string }) {
  const [text, setText] = useState("");
  const id = useId();
  const commit = (): void => {
    const words = text.split(",").map((w) => w.trim()).filter((w) => w && !props.values.includes(w));
    if (words.length) props.onChange([...props.values, ...words]);
    setText("");
  };
  return (
    <div class="chips">
      <label for={id} class="sr-only">
        {props.label}
      </label>
      <ul aria-label={props.label}>
        {props.values.map((value) => (
          <li key={value} class="chip">
            {value}
            <button
              type="button"
              aria-label={`Remove ${value}`}
              onClick={() => props.onChange(props.values.filter((v) => v !== value))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <input
        id={id}
        type="text"
        value={text}
        placeholder={props.placeholder ?? "Add…"}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" || e.key === ",") {
            e.preventDefault();
            commit();
          } else if (e.key === "Backspace" && !text && props.values.length) {
            props.onChange(props.values.slice(0, -1));
          }
        }}
        onBlur={commit}
      />
    </div>
  );
}

/** Bot text with the few formatting tags bots may use; everything else literal (never HTML). */
export function RichText({ text }: { text: string }) {
  return (
    <>
      {tokenize(text).map((token, index) => {
        if (token.kind === "break") return <br key={index} />;
        let node: ComponentChildren = token.text;
        for (const style of [...token.styles].reverse()) node = style === "strong" ? <strong>{node}</strong> : <em>{node}</em>;
        return <span key={index}>{node}</span>;
      })}
    </>
  );
}

export function percent(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined || Number.isNaN(value) ? "–" : `${(value * 100).toFixed(digits)} %`;
}

export function when(iso: string | undefined): string {
  if (!iso) return "–";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** Trigger a browser download of `data` as a file. */
export function download(name: string, data: string, type = "application/json"): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The entities the NLU read in a message, as chips: `entity=value`, the whole value in the title. */
export function EntityChips({ entities }: { entities: readonly unknown[] | undefined }) {
  const shown = entitiesToShow(entities);
  if (shown.length === 0) return null;
  return (
    <p>
      <span class="label">entities</span>{" "}
      {shown.map((read) => {
        const whole = `${read.entity}=${valueText(read.value)}`;
        return (
          <code key={whole} class="chip" data-entity={read.entity} title={whole}>
            {chipText(read)}
          </code>
        );
      })}
    </p>
  );
}
