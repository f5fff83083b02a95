// Bot settings: description, thresholds, the special intents and the built-in sentences; export and
// replace by import.

import { useState } from "preact/hooks";
import { describe } from "../api";
import { unsavedChanges } from "../changes";
import { ErrorBox, download } from "../components/ui";
import { useApi, useNotify } from "../context";
import { useDraft } from "../draft";
import { type IntentSetting, roleIntent, unsetIntent } from "../roles";
import type { BotSettings } from "../types";
import { BotMessagesEditor } from "./bot-messages";

/** The browser's list of IANA zones, offered as suggestions (the server checks the name). */
const TIME_ZONES: string[] =
  (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.("timeZone") ?? [];

export function SettingsPage() {
  const { draft, saved, dirty, update, bot, reload } = useDraft();
  const api = useApi();
  const notify = useNotify();
  const [error, setError] = useState<string | null>(null);
  const settings = draft.settings ?? {};
  const intents = (draft.intents ?? []).map((i) => i.id);
  const set = <K extends keyof BotSettings>(key: K, value: BotSettings[K]): void =>
    update((d) => void (d.settings = { ...(d.settings ?? {}), [key]: value }));
  // Saving refuses a name that is no intent of the bot, except the default one, which means none.
  const intentSelect = (key: IntentSetting, label: string, none: string) => (
    <label class="field">
      <span>{label}</span>
      <select value={roleIntent(settings, key)} onChange={(e) => set(key, e.currentTarget.value)}>
        {[...new Set([roleIntent(settings, key), unsetIntent(key), ...intents])].map((id) => (
          <option key={id} value={id}>
            {intents.includes(id) ? id : id === unsetIntent(key) ? `${id} (no such intent: ${none})` : `${id} (not an intent of this bot)`}
          </option>
        ))}
      </select>
    </label>
  );
  const exportAs = async (format: "native" | "acf"): Promise<void> => {
    try {
      download(`${bot}${format === "acf" ? ".acf" : ""}.json`, JSON.stringify(await api.getBot(bot, format), null, 2));
    } catch (err) {
      notify(describe(err), "error");
    }
  };
  const importFile = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    // The error of an earlier file is not about this one, whatever the answer.
    setError(null);
    const lost = dirty ? ` This loses ${unsavedChanges(bot, saved, draft)}.` : "";
    if (!confirm(`Replace ${bot} with the definition in ${file.name}?${lost}`)) return;
    try {
      await api.importBot(bot, file);
      await reload();
      notify(`Replaced ${bot} from ${file.name}`, "success");
    } catch (err) {
      setError(describe(err));
    }
  };
  return (
    <section aria-labelledby="settings-title" class="editor">
      <h2 id="settings-title">Settings</h2>
      <label class="field">
        <span>Description</span>
        <input type="text" value={draft.description ?? ""} onInput={(e) => { const v = e.currentTarget.value; update((d) => void (d.description = v)); }} />
      </label>
      <div class="grid">
        <label class="field">
          <span>Fallback threshold: {(settings.fallback_threshold ?? 0.5).toFixed(2)}</span>
          <input type="range" min="0" max="1" step="0.01" value={settings.fallback_threshold ?? 0.5} onInput={(e) => set("fallback_threshold", Number(e.currentTarget.value))} />
          <small class="muted">Below this confidence the fallback intent answers.</small>
        </label>
        {intentSelect("welcome_intent", "Welcome intent", "no greeting")}
        {intentSelect("fallback_intent", "Fallback intent", "a built-in reply")}
        {intentSelect("cancel_intent", "Cancel intent", "none")}
      </div>
      {/* Their options are sentences: columns wide enough to show them whole. */}
      <div class="grid roomy">
        <label class="field">
          <span>When another intent interrupts a form</span>
          <select value={settings.interruption ?? "resume"} onChange={(e) => set("interruption", e.currentTarget.value as "resume" | "drop")}>
            <option value="resume">Answer it, then ask for the form again</option>
            <option value="drop">Answer it and abandon the form</option>
          </select>
        </label>
        <label class="field">
          <span>Who may chat with the bot</span>
          <select value={settings.chat_access ?? "public"} onChange={(e) => set("chat_access", e.currentTarget.value as "public" | "key")}>
            <option value="public">Anyone (public widget)</option>
            <option value="key">Only clients with a chat key</option>
          </select>
          <small class="muted">With a key: give the widget a chat-scoped key limited to this bot (data-key).</small>
        </label>
        <label class="field">
          <span>Time zone</span>
          <input
            type="text"
            list="time-zones"
            placeholder="UTC"
            value={settings.timezone ?? ""}
            onInput={(e) => { const v = e.currentTarget.value.trim(); set("timezone", v === "" ? undefined : v); }}
          />
          <datalist id="time-zones">{TIME_ZONES.map((zone) => <option key={zone} value={zone} />)}</datalist>
          <small class="muted">Where “tomorrow” is read when a message names no zone (the widget names the visitor’s; REST clients may not). An IANA name, such as Europe/Berlin.</small>
        </label>
      </div>
      <BotMessagesEditor />
      <h3>Import and export</h3>
      <div class="button-row">
        <button type="button" class="secondary" onClick={() => exportAs("native")}>Export (Parley JSON)</button>
        <button type="button" class="secondary" onClick={() => exportAs("acf")}>Export (AI Chatbot Framework)</button>
        <label class="button secondary">
          Replace from file…
          <input
            type="file"
            class="sr-only"
            accept=".json,.yaml,.yml"
            onChange={(e) => {
              const input = e.currentTarget;
              void importFile(input.files?.[0]);
              input.value = ""; // so that choosing the same file again (corrected, or after a cancel) is a change
            }}
          />
        </label>
      </div>
      <ErrorBox error={error} />
    </section>
  );
}
