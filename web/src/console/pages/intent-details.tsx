// The rest of an intent: its id, parameters (slots to fill), buttons, and the webhook action.

import { useEffect, useId, useState } from "preact/hooks";
import { type EntityOption, entityOptions } from "../builtins";
import { RenameForm } from "../components/rename-form";
import { ChipInput, StringList } from "../components/ui";
import { useNotify } from "../context";
import { useDraft } from "../draft";
import { type HeadersBox, followDraft, headersBox, typeHeaders } from "../headers";
import { intentRenameRefusal, renameIntent } from "../rename";
import { replaceRoute } from "../router";
import { promptPlaceholder } from "../placeholders";
import { hasPrompt } from "../validation";
import type { Action, Intent, Parameter } from "../types";

type Change = (fn: (intent: Intent) => void) => void;

/** Rename the intent in the draft, with the settings, buttons and choices that name it. */
export function RenameIntent({ intent, onClose }: { intent: Intent; onClose: () => void }) {
  const { draft, update, bot, headerBoxes, holdHeaderBox } = useDraft();
  const notify = useNotify();
  const from = intent.id;
  const rename = (to: string): void => {
    update((d) => void Object.assign(d, renameIntent(d, from, to)));
    // The webhook's Headers box, as typed, goes with the intent.
    holdHeaderBox(to, headerBoxes[from] ?? null);
    holdHeaderBox(from, null);
    replaceRoute("bots", bot, "intents", to);
    notify(`Renamed intent “${from}” to “${to}”. Save, then train the bot to use the changes.`);
  };
  return (
    <RenameForm
      kind="intent"
      current={from}
      note={`The settings, buttons and choices that name “${from}” follow. Conversations in progress and analytics keep the old id, and the NLU answers with it until the bot is trained again: save, then train the bot to use the changes.`}
      refusal={(to) => intentRenameRefusal(draft, from, to)}
      onRename={rename}
      onClose={onClose}
    />
  );
}

export function ParametersEditor({ intent, change }: { intent: Intent; change: Change }) {
  const { draft } = useDraft();
  const ids = useId();
  const parameters = intent.parameters ?? [];
  const entities = (draft.entities ?? []).map((e) => e.name);
  // The parameter "Add parameter" made, whose name box takes the focus: it starts empty, to be named.
  // A new object each time, so adding at an index used before focuses again.
  const [added, setAdded] = useState<{ index: number } | null>(null);
  useEffect(() => {
    if (added) document.getElementById(`${ids}-name-${added.index}`)?.focus();
  }, [added]);
  const edit = (index: number, fn: (p: Parameter) => void): void =>
    change((i) => {
      const p = i.parameters?.[index];
      if (p) fn(p);
    });
  return (
    <section aria-labelledby="parameters-title">
      <h3 id="parameters-title">Parameters</h3>
      <p class="muted small">What the bot must know before it answers; it asks for each missing required one with its prompt.</p>
      {parameters.map((param, index) => {
        const prompts = typeof param.prompt === "string" ? [param.prompt] : (param.prompt ?? []);
        const label = param.name || `parameter ${index + 1}`;
        return (
          <fieldset class="card parameter" key={index}>
            <legend>{label}</legend>
            <div class="grid">
              <label class="field">
                <span>Name</span>
                <input
                  type="text"
                  value={param.name}
                  id={`${ids}-name-${index}`}
                  placeholder="e.g. day"
                  onInput={(e) => { const v = e.currentTarget.value; edit(index, (p) => void (p.name = v)); }}
                />
              </label>
              <label class="field">
                <span>Entity</span>
                <EntitySelect
                  declared={entities}
                  value={param.entity ?? ""}
                  onChange={(v) =>
                    edit(index, (p) => {
                      p.entity = v || null;
                      if (!takesBuiltinTime(p, entities)) delete p.hours; // hours are the built-in time's only
                    })
                  }
                />
              </label>
              <label class="check">
                <input type="checkbox" checked={param.required ?? true} onChange={(e) => { const v = e.currentTarget.checked; edit(index, (p) => void (p.required = v)); }} />
                Required
              </label>
              <label class="check">
                <input type="checkbox" checked={param.multiple ?? false} onChange={(e) => { const v = e.currentTarget.checked; edit(index, (p) => void (p.multiple = v)); }} />
                Several values
              </label>
            </div>
            <StringList
              label={`Prompts for ${label}`}
              items={prompts}
              addLabel="Add prompt variant"
              placeholder={promptPlaceholder(param.name)}
              onChange={(items) => edit(index, (p) => void (p.prompt = items))}
            />
            {(param.required ?? true) && !hasPrompt(param) && (
              <p class="field-error small">
                Required, so the bot asks for it: write a prompt, or untick Required.
              </p>
            )}
            <div
              class="field"
              role="group"
              aria-labelledby={`${ids}-choices-${index}`}
              aria-describedby={param.choices?.length ? `${ids}-choices-hint-${index}` : undefined}
            >
              <span id={`${ids}-choices-${index}`}>Choices (the only answers accepted; offered as quick replies)</span>
              <ChipInput label={`Choices for ${label}`} values={param.choices ?? []} onChange={(values) => edit(index, (p) => void (p.choices = values))} />
              {param.choices?.length ? (
                <small class="muted" id={`${ids}-choices-hint-${index}`}>
                  {label} takes a value only if it is one of these (ignoring case): the value read from the reply, or for free text the whole reply. Any other answer leaves it missing, and the bot asks again; without choices, any value is taken. A choice such as “/cancel” triggers that intent instead.
                </small>
              ) : null}
            </div>
            {takesBuiltinTime(param, entities) && (
              <label class="field">
                <span>Hours (optional: the times it takes)</span>
                <input
                  type="text"
                  value={param.hours ?? ""}
                  placeholder="e.g. 08:00-20:00"
                  aria-describedby={`${ids}-hours-hint-${index}`}
                  onInput={(e) => {
                    const v = e.currentTarget.value;
                    edit(index, (p) => (v.trim() ? void (p.hours = v) : void delete p.hours));
                  }}
                />
                <small class="muted" id={`${ids}-hours-hint-${index}`}>
                  HH:MM-HH:MM, both included (18:00-02:00 runs past midnight). A time said without am/pm outside them is taken in the other half of the day when that is inside (“at 3” is 15:00 for 08:00-20:00); any other time outside them is refused, and the bot names the hours.
                </small>
              </label>
            )}
            <button type="button" class="link danger" onClick={() => change((i) => void i.parameters?.splice(index, 1))}>
              Remove parameter {label}
            </button>
          </fieldset>
        );
      })}
      <button
        type="button"
        class="secondary"
        onClick={() => {
          setAdded({ index: parameters.length });
          change((i) => void (i.parameters = [...(i.parameters ?? []), { name: "", entity: entities[0] ?? null, prompt: [""] }]));
        }}
      >
        Add parameter
      </button>
    </section>
  );
}

/** Whether the parameter takes the built-in time (not an entity of the bot's own named `time`). */
function takesBuiltinTime(param: Parameter, declared: readonly string[]): boolean {
  return param.entity === "time" && !declared.includes("time");
}

/** A parameter's entity: free text, a built-in entity, or one of the bot's own. */
function EntitySelect({ declared, value, onChange }: { declared: string[]; value: string; onChange: (value: string) => void }) {
  const { builtins, own, unknown } = entityOptions(declared, value);
  const option = ({ value, label }: EntityOption) => <option key={value} value={value}>{label}</option>;
  return (
    <select value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="">Free text (the whole reply)</option>
      {unknown && option(unknown)}
      {own.length > 0 && <optgroup label="This bot's entities">{own.map(option)}</optgroup>}
      <optgroup label="Built in (found in every bot)">{builtins.map(option)}</optgroup>
    </select>
  );
}

export function ButtonsEditor({ intent, change }: { intent: Intent; change: Change }) {
  const buttons = intent.buttons ?? [];
  const edit = (index: number, field: "title" | "payload", value: string): void =>
    change((i) => {
      const b = i.buttons?.[index];
      if (b) b[field] = value;
    });
  return (
    <fieldset class="string-list">
      <legend>Buttons</legend>
      <p class="muted small">Shown under the last reply. A payload such as “/order_pizza” triggers that intent directly.</p>
      {buttons.map((button, index) => (
        <div class="row" key={index}>
          <input type="text" aria-label={`Button ${index + 1} title`} placeholder="Title" value={button.title} onInput={(e) => edit(index, "title", e.currentTarget.value)} />
          <input type="text" aria-label={`Button ${index + 1} payload`} placeholder="/intent or text" value={button.payload} onInput={(e) => edit(index, "payload", e.currentTarget.value)} />
          <button type="button" class="icon" aria-label={`Remove button ${index + 1}`} onClick={() => change((i) => void i.buttons?.splice(index, 1))}>
            ×
          </button>
        </div>
      ))}
      <button type="button" class="link" onClick={() => change((i) => void (i.buttons = [...buttons, { title: "", payload: "" }]))}>
        + Add button
      </button>
    </fieldset>
  );
}

const METHODS: Action["method"][] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

export function ActionEditor({ intent, change }: { intent: Intent; change: Change }) {
  const action = intent.action ?? null;
  const headersProblem = useId();
  // The box keeps its own text (a line being written, a refused one) while the draft holds what it
  // last wrote; when the draft's headers change from elsewhere (Discard, Reload), it shows those.
  // The draft state holds it, so it is still there after a visit to another intent or tab.
  const { headerBoxes, holdHeaderBox } = useDraft();
  const heldBox = headerBoxes[intent.id];
  const box = followDraft(heldBox ?? headersBox(action?.headers), action?.headers);
  useEffect(() => {
    if (heldBox && box !== heldBox) holdHeaderBox(intent.id, null);
  });
  const setBox = (typed: HeadersBox): void => holdHeaderBox(intent.id, typed);
  // A line is refused once the box is left with it (while typing, a new line has no colon yet);
  // the refusal stays while it is being fixed, and shows at once on coming back to the box.
  const [checked, setChecked] = useState(() => box.problem !== null);
  const problem = checked ? box.problem : null;
  const edit = (fn: (a: Action) => void): void =>
    change((i) => {
      if (i.action) fn(i.action);
    });
  return (
    <fieldset class="card">
      <legend>Webhook action</legend>
      <label class="check">
        <input
          type="checkbox"
          checked={action !== null}
          onChange={(e) => { const on = e.currentTarget.checked; change((i) => void (on ? (i.action = { url: "https://", method: "POST" }) : delete i.action)); }}
        />
        Call a webhook when the intent is complete
      </label>
      {action && (
        <div class="grid">
          <label class="field wide">
            <span>URL</span>
            <input type="url" value={action.url} onInput={(e) => { const v = e.currentTarget.value; edit((a) => void (a.url = v)); }} />
          </label>
          <label class="field">
            <span>Method</span>
            <select value={action.method ?? "POST"} onChange={(e) => { const v = e.currentTarget.value as Action["method"]; edit((a) => void (a.method = v)); }}>
              {METHODS.map((m) => <option key={m} value={m}>{m}</option>)}
            </select>
          </label>
          <label class="field">
            <span>Timeout (s, ≤ 10)</span>
            <input type="number" min="0.1" max="10" step="0.5" value={action.timeout ?? 5} onInput={(e) => { const v = Number(e.currentTarget.value); edit((a) => void (a.timeout = v)); }} />
          </label>
          <label class="field wide">
            <span>Headers (one “Name: value” per line)</span>
            <textarea
              rows={2}
              value={box.text}
              aria-invalid={problem !== null}
              aria-describedby={problem ? headersProblem : undefined}
              onFocus={() => setChecked(box.problem !== null)}
              onBlur={() => setChecked(true)}
              onInput={(e) => {
                const typed = typeHeaders(box, e.currentTarget.value);
                setBox(typed.box);
                const write = typed.write;
                if (write) edit((a) => void (a.headers = write));
              }}
            />
          </label>
          {problem && (
            <p id={headersProblem} class="error-box wide" role="alert">
              {problem} Until every line reads, nothing in this box reaches the draft, and Save is refused (the
              draft keeps {box.drafted ? `the headers ${box.drafted.split("\n").join("; ")}` : "no headers"}).
            </p>
          )}
          <label class="field wide">
            <span>Body template (JSON; {"{{ slots.name }}"} values are JSON-escaped)</span>
            <textarea rows={3} value={action.body ?? ""} onInput={(e) => { const v = e.currentTarget.value; edit((a) => void (a.body = v || null)); }} />
          </label>
          <p class="muted small wide">The webhook's JSON answer is “result” in the replies, e.g. {"{{ result.status }}"}.</p>
        </div>
      )}
    </fieldset>
  );
}
