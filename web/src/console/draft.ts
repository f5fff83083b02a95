// The bot being edited: the saved definition and a draft that every tab of the bot edits, so
// switching tabs keeps unsaved work. Saving replaces the whole definition (PUT /bots/{bot}).

import { createContext } from "preact";
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { describe, preconditionFailed } from "./api";
import { useApi } from "./context";
import { type HeadersBox, unreadHeaders } from "./headers";
import type { BotDefinition } from "./types";
import { saveRefusal } from "./validation";

export interface BotDraft {
  bot: string;
  saved: BotDefinition | null;
  draft: BotDefinition | null;
  loadError: string | null;
  dirty: boolean;
  /** Whether there are unsaved edits right now, also before the next render shows them. */
  isDirty: () => boolean;
  saving: boolean;
  saveError: string | null;
  /** Set when a save found the bot changed by someone else (its version now) or deleted (null). */
  conflict: { currentVersion: number | null } | null;
  /**
   * The webhook Headers boxes as typed, by intent id. They outlive their editor (another intent,
   * another tab), so a line that does not read, which never reaches the draft, still refuses Save.
   */
  headerBoxes: Readonly<Record<string, HeadersBox>>;
  /** Keep `box` as the Headers box of `intent`; null: forget it (the box shows the draft's headers). */
  holdHeaderBox: (intent: string, box: HeadersBox | null) => void;
  /** The intents whose Headers box holds a line that does not read, also before the next render. */
  unreadHeaderBoxes: () => string[];
  update: (change: (draft: BotDefinition) => void) => void;
  /** Save over the version loaded; `{ create: true }`: only if the bot does not exist (deleted). */
  save: (options?: { create?: boolean }) => Promise<boolean>;
  discard: () => void;
  reload: () => Promise<void>;
}

export function useBotDraftState(bot: string): BotDraft {
  const api = useApi();
  const [saved, setSaved] = useState<BotDefinition | null>(null);
  const [draft, setDraft] = useState<BotDefinition | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<BotDraft["conflict"]>(null);
  // The version `saved` is (the server's ETag): saves replace only it, so a save never overwrites
  // someone else's. Null from a server that does not say; such a save is unconditional.
  const version = useRef<number | null>(null);
  // The Headers boxes, newest first in the ref: asked about between a keystroke and its render.
  const boxes = useRef<Record<string, HeadersBox>>({});
  const [headerBoxes, setHeaderBoxes] = useState(boxes.current);
  const holdHeaderBox = useCallback((intent: string, box: HeadersBox | null) => {
    const { [intent]: _held, ...others } = boxes.current;
    boxes.current = box ? { ...others, [intent]: box } : others;
    setHeaderBoxes(boxes.current);
  }, []);
  const forgetHeaderBoxes = (): void => {
    boxes.current = {};
    setHeaderBoxes(boxes.current);
  };

  const reload = useCallback(async () => {
    setLoadError(null);
    try {
      const { definition, version: loaded } = await api.getBotVersioned(bot);
      version.current = loaded;
      setSaved(definition);
      setDraft(structuredClone(definition));
      forgetHeaderBoxes();
      setSaveError(null);
      setConflict(null);
    } catch (error) {
      setLoadError(describe(error));
    }
  }, [api, bot]);

  useEffect(() => {
    setSaved(null);
    setDraft(null);
    void reload();
  }, [reload]);

  // The newest saved definition and draft, for questions asked between a change and its render
  // (leaving the bot on the click whose blur committed an edit).
  const latest = useRef({ saved, draft });
  latest.current = { saved, draft };

  const update = useCallback((change: (draft: BotDefinition) => void) => {
    setDraft((current) => {
      if (!current) return current;
      const next = structuredClone(current);
      change(next);
      latest.current = { ...latest.current, draft: next };
      return next;
    });
  }, []);

  const dirty = useMemo(() => JSON.stringify(saved) !== JSON.stringify(draft), [saved, draft]);
  const isDirty = useCallback(
    () => JSON.stringify(latest.current.saved) !== JSON.stringify(latest.current.draft),
    [],
  );
  const unreadHeaderBoxes = useCallback(
    () => unreadHeaders(latest.current.draft?.intents ?? [], boxes.current).map(({ intent }) => intent),
    [],
  );

  const save = useCallback(async (options: { create?: boolean } = {}) => {
    if (!draft) return false;
    const refusal = saveRefusal(draft, boxes.current);
    if (refusal) {
      setSaveError(refusal);
      return false;
    }
    setSaving(true);
    setSaveError(null);
    try {
      const condition = options.create ? "create" : version.current === null ? undefined : { version: version.current };
      const summary = await api.putBot(bot, draft, condition);
      const { definition, version: reread } = await api.getBotVersioned(bot);
      version.current = reread ?? summary.version;
      setConflict(null);
      setSaved(definition);
      setDraft((current) => keepEditsMadeWhileSaving(draft, current, definition));
      return true;
    } catch (error) {
      const failed = preconditionFailed(error);
      if (failed) setConflict(failed);
      else setSaveError(describe(error));
      return false;
    } finally {
      setSaving(false);
    }
  }, [api, bot, draft]);

  const discard = useCallback(() => {
    setDraft(saved && structuredClone(saved));
    forgetHeaderBoxes();
    setSaveError(null);
  }, [saved]);

  return {
    bot,
    saved,
    draft,
    loadError,
    dirty,
    isDirty,
    saving,
    saveError,
    conflict,
    headerBoxes,
    holdHeaderBox,
    unreadHeaderBoxes,
    update,
    save,
    discard,
    reload,
  };
}

/**
 * The draft after a save: the saved definition (as the server now has it), unless the user edited
 * the draft while the save was in flight; those edits are kept, and stay unsaved against the new
 * baseline.
 */
export function keepEditsMadeWhileSaving(
  sent: BotDefinition,
  current: BotDefinition | null,
  saved: BotDefinition,
): BotDefinition {
  if (current && JSON.stringify(current) !== JSON.stringify(sent)) return current;
  return structuredClone(saved);
}

export const DraftContext = createContext<BotDraft | null>(null);

export function useDraft(): BotDraft & { draft: BotDefinition } {
  const value = useContext(DraftContext);
  if (!value?.draft) throw new Error("useDraft before the bot is loaded");
  return value as BotDraft & { draft: BotDefinition };
}
