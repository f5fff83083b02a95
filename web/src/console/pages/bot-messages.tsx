// The Settings tab's editor of the built-in sentences: each shows its default while it is left
// empty, the variables its template sees, and, where the bot may say nothing, a box for that.

import { useId } from "preact/hooks";
import { BUILT_IN_MESSAGES, type BuiltInMessage, COMMON_VARIABLES, type TemplateVariable, type Wording, messageProblem, setWording, wordingOf } from "../bot-messages";
import { useDraft } from "../draft";

function Variables({ variables, id }: { variables: readonly TemplateVariable[]; id?: string }) {
  return (
    <ul class="variables small muted" id={id}>
      {variables.map((variable) => (
        <li key={variable.name}>
          <code>{`{{ ${variable.name} }}`}</code> {variable.meaning}
        </li>
      ))}
    </ul>
  );
}

function MessageField({ message }: { message: BuiltInMessage }) {
  const { draft, update } = useDraft();
  const id = useId();
  const wording = wordingOf(draft.settings, message.key);
  const set = (next: Wording): void => update((d) => setWording((d.settings ??= {}), message.key, next));
  // Said here as Save would refuse it.
  const problem = messageProblem(message, wording);
  return (
    <fieldset class="message">
      <legend>{message.label}</legend>
      <p class="small muted" id={`${id}-when`}>
        {message.when}
      </p>
      <textarea
        aria-label={message.label}
        aria-describedby={`${id}-when ${id}-state${message.variables.length ? ` ${id}-variables` : ""}`}
        aria-invalid={problem ? true : undefined}
        rows={2}
        value={wording.kind === "own" ? wording.text : ""}
        placeholder={wording.kind === "nothing" ? `Says nothing: ${message.nothing}.` : message.default}
        disabled={wording.kind === "nothing"}
        onInput={(e) => set({ kind: "own", text: e.currentTarget.value })}
      />
      <p class="small muted" id={`${id}-state`}>
        {wording.kind === "default" && "Empty: the bot says the default, shown greyed."}
        {wording.kind === "own" && (
          <button type="button" class="link" onClick={() => set({ kind: "default" })}>
            Use the default
          </button>
        )}
      </p>
      {problem && <p class="field-error small">{problem}</p>}
      {message.nothing !== null && (
        <label class="check">
          <input
            type="checkbox"
            checked={wording.kind === "nothing"}
            onChange={(e) => set(e.currentTarget.checked ? { kind: "nothing" } : { kind: "default" })}
          />
          Say nothing ({message.nothing})
        </label>
      )}
      {message.variables.length > 0 && <Variables variables={message.variables} id={`${id}-variables`} />}
    </fieldset>
  );
}

/** Every built-in message the console knows; others the definition holds are kept as they are. */
export function BotMessagesEditor() {
  return (
    <>
      <h3>Built-in sentences</h3>
      <p class="muted small">
        What the bot says where none of its intents speaks, in its own words and language: Jinja templates, as replies
        are. Left empty, a sentence is the default. Besides the variables listed with each, every one sees:
      </p>
      <Variables variables={COMMON_VARIABLES} />
      {BUILT_IN_MESSAGES.map((message) => (
        <MessageField key={message.key} message={message} />
      ))}
    </>
  );
}
