// One bot: its tabs, and the save bar for the draft all editing tabs share.

import { useEffect, useRef, useState } from "preact/hooks";
import { type BotDraft, DraftContext, useBotDraftState } from "../draft";
import { unsavedChanges } from "../changes";
import { Empty, ErrorBox, Loading } from "../components/ui";
import { useApi, useNotify } from "../context";
import { guardLeaving, href, replaceRoute } from "../router";
import { nameProblemPaths } from "../problems";
import { type Trained, UNTRAINED, trainedState } from "../trained";
import type { BotDefinition } from "../types";
import { AnalyticsPage } from "./analytics";
import { ConversationsPage } from "./conversations";
import { EntitiesPage } from "./entities";
import { IntentsPage } from "./intents";
import { SettingsPage } from "./settings";
import { TestChatPage } from "./test-chat";
import { TrainPage } from "./train";

const TABS = [
  ["intents", "Intents"],
  ["entities", "Entities"],
  ["train", "Train"],
  ["chat", "Test chat"],
  ["conversations", "Conversations"],
  ["analytics", "Analytics"],
  ["settings", "Settings"],
] as const;

/** The labels of "add" inputs (marked `data-adds`) holding text that was typed but not added; a
 * rename box holds some once it differs from the name it started with (`data-unchanged`). */
function typedButNotAdded(): string[] {
  return [...document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input[data-adds], textarea[data-adds]")]
    .filter((input) => input.value.trim() && input.value.trim() !== input.dataset.unchanged)
    .map((input) => `“${input.dataset.adds}”`);
}

/** Whether the intent or entity `item` that `tab` shows is in the saved definition (other tabs: yes). */
function inSaved(saved: BotDefinition | null, tab: string, item: string): boolean {
  if (tab === "intents") return (saved?.intents ?? []).some((i) => i.id === item);
  if (tab === "entities") return (saved?.entities ?? []).some((e) => e.name === item);
  return true;
}

/** The bot's name, the way back to the list and its tabs: shown also while it loads or failed to. */
function BotHead({ bot, tab }: { bot: string; tab: string }) {
  return (
    <div class="bot-head">
      <h1>
        <a href={href()} class="muted">Bots</a> / {bot}
      </h1>
      <nav aria-label={`Bot ${bot}`} class="tabs">
        {TABS.map(([id, label]) => (
          <a key={id} href={href("bots", bot, id)} aria-current={tab === id ? "page" : undefined}>
            {label}
          </a>
        ))}
      </nav>
    </div>
  );
}

/**
 * That the bot is not trained, on every tab but Train (whose model history says so): asked again on
 * each tab, so a training that succeeded meanwhile takes it away.
 */
function NotTrained({ bot, tab }: { bot: string; tab: string }) {
  const api = useApi();
  const [state, setState] = useState<Trained | null>(null);
  useEffect(() => {
    setState(null);
    if (tab === "train") return;
    let current = true;
    void trainedState(api, bot).then((found) => current && setState(found));
    return () => void (current = false);
  }, [api, bot, tab]);
  if (state?.kind !== "untrained") return null;
  return (
    <p class="notice" role="status" data-untrained>
      {bot} {UNTRAINED} <a href={href("bots", bot, "train")}>Train it</a>.
    </p>
  );
}

/** A save refused because someone else saved or deleted the bot since it was loaded. */
function Conflict({
  bot,
  conflict,
  state,
  save,
}: {
  bot: string;
  conflict: { currentVersion: number | null };
  state: BotDraft;
  save: (options: { create: boolean }) => Promise<boolean>;
}) {
  const deleted = conflict.currentVersion === null;
  return (
    <div class="error-box" role="alert">
      <strong>Not saved: {deleted ? `${bot} was deleted` : `someone else changed ${bot}`}</strong>
      <p>
        {deleted
          ? `Someone deleted ${bot} while you were editing it.`
          : `Someone else saved ${bot} (it is now at version ${conflict.currentVersion}) while you were editing it; saving would overwrite their changes.`}{" "}
        Your changes are still here, not saved. Reloading shows the bot as it is now and loses them.
      </p>
      <div class="conflict-actions">
        {deleted && (
          <button type="button" onClick={() => void save({ create: true })} disabled={state.saving}>
            Create {bot} again with my changes
          </button>
        )}
        <button type="button" class="secondary" onClick={() => void state.reload()} disabled={state.saving}>
          Reload (lose my changes)
        </button>
      </div>
    </div>
  );
}

export function BotShell({ bot, path }: { bot: string; path: string[] }) {
  const state = useBotDraftState(bot);
  const notify = useNotify();
  const [tab = "intents", item] = path;
  const { isDirty, unreadHeaderBoxes } = state;
  // The definition a save sent: the server's problems point into it by position.
  const sent = useRef<BotDefinition | null>(null);
  const saveDraft = (options?: { create?: boolean }): Promise<boolean> => {
    sent.current = state.draft;
    return state.save(options);
  };
  // A bot that failed to load is tried again when the user moves to another of its tabs, as they
  // would expect a link to do (the shell, and its error, stay while the bot stays the same).
  const { loadError, reload } = state;
  useEffect(() => {
    if (loadError) void reload();
  }, [tab, item]);
  useEffect(() => {
    // Unsaved edits: ask before the tab closes or reloads, and before the console leaves this bot
    // (its tabs share the draft, so moving between them loses nothing). Asked when leaving, not
    // when the draft last rendered: the click on a link can be what commits an edit (a blur).
    const unsaved = (): string | null => {
      if (isDirty()) return `${bot} has unsaved changes. Leave without saving them?`;
      // A webhook's Headers box with a line that does not read holds text the draft does not.
      const unread = unreadHeaderBoxes().map((intent) => `“Headers” of intent ${intent}`);
      const typed = [...typedButNotAdded(), ...unread];
      return typed.length ? `Text typed in ${typed.join(", ")} is not added to ${bot}. Leave without adding it?` : null;
    };
    const warn = (event: BeforeUnloadEvent): void => {
      if (unsaved()) event.preventDefault();
    };
    addEventListener("beforeunload", warn);
    const unguard = guardLeaving((to) => {
      const question = unsaved();
      return !question || (to?.[0] === "bots" && to[1] === bot) || confirm(question);
    });
    return () => {
      removeEventListener("beforeunload", warn);
      unguard();
    };
  }, [isDirty, unreadHeaderBoxes, bot]);
  if (loadError || !state.draft) {
    return (
      <>
        <BotHead bot={bot} tab={tab} />
        {loadError ? (
          <ErrorBox title={`Could not load ${bot}`} error={loadError}>
            <div class="conflict-actions">
              <button type="button" onClick={() => void reload()}>
                Retry
              </button>
            </div>
          </ErrorBox>
        ) : (
          <Loading what={`bot ${bot}`} />
        )}
      </>
    );
  }
  const discard = (): void => {
    if (state.dirty && !confirm(`Discard ${unsavedChanges(bot, state.saved, state.draft)}? They cannot be brought back.`)) return;
    state.discard();
    // The intent or entity shown may exist only in the draft (added, or renamed): show the list.
    if (item && !inSaved(state.saved, tab, item)) replaceRoute("bots", bot, tab);
  };
  const save = async (): Promise<void> => {
    if (await saveDraft()) notify("Saved. Train the bot to use the changes.", "success");
  };
  return (
    <DraftContext.Provider value={state}>
      <BotHead bot={bot} tab={tab} />
      <NotTrained bot={bot} tab={tab} />
      {(state.dirty || state.saveError) && (
        <div class="savebar" role="region" aria-label="Unsaved changes">
          <span>{state.dirty ? "Unsaved changes" : "Not saved"}</span>
          <button type="button" class="secondary" onClick={discard} disabled={state.saving}>
            Discard
          </button>
          <button type="button" onClick={save} disabled={state.saving}>
            {state.saving ? "Saving…" : "Save"}
          </button>
        </div>
      )}
      {state.conflict && <Conflict bot={bot} conflict={state.conflict} state={state} save={saveDraft} />}
      <ErrorBox title="Not saved" error={state.saveError && nameProblemPaths(state.saveError, sent.current)} />
      {tab === "intents" && <IntentsPage selected={item} />}
      {tab === "entities" && <EntitiesPage selected={item} />}
      {tab === "train" && <TrainPage />}
      {tab === "chat" && <TestChatPage />}
      {tab === "conversations" && <ConversationsPage selected={item} />}
      {tab === "analytics" && <AnalyticsPage />}
      {tab === "settings" && <SettingsPage />}
      {!TABS.some(([id]) => id === tab) && (
        <Empty>
          This bot has no page “{tab}”: <a href={href("bots", bot, "intents")}>go to its intents</a>.
        </Empty>
      )}
    </DraftContext.Provider>
  );
}
