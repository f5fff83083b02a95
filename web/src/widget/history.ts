// What the widget remembers. The conversation (its id, the transcript with the messages still waiting
// to be sent, the quick replies waiting for an answer) is the site's, in localStorage: every tab of
// the site shows it, and a tab follows what another one writes (element.ts listens for `storage`).
// Whether the panel is open, and which tab sent a message, are the tab's own, in sessionStorage.

import type { Button } from "../shared/protocol";
import { newMessageId } from "../shared/outbox";

export interface Item {
  from: "bot" | "user" | "note";
  /** What the transcript shows (a button's title, for a button). */
  text: string;
  buttons?: Button[];
  /** A user message's text as sent, where it is not `text` (a button's payload). */
  payload?: string;
  /** A user message's id: its answer names it, and a copy sent again gets the same answer. */
  id?: string;
  /**
   * The tab that sent a user message: only it sends it (again) and takes its answer, so two tabs
   * never send one message twice. Unset in transcripts saved before tabs shared them: the tab's own.
   */
  tab?: string;
  /** A user message typed while disconnected, not sent yet: sent when the connection is back. */
  pending?: boolean;
  /** A user message sent and not answered yet (since `at`, in ms): sent again on a new connection. */
  unanswered?: boolean;
  at?: number;
  /** A user message the server refused or did not answer: what the visitor reads under it. */
  failed?: { note: string; retry: boolean };
}

/** The conversation, as every tab of the site shows it. */
export interface Conversation {
  conversationId: string | null;
  items: Item[];
  /** The last message's quick replies, until the user answers. */
  quickReplies: Button[];
}

export interface Saved extends Conversation {
  /** Whether the visitor last opened or closed the panel in this tab; unset until they do. */
  open: boolean | undefined;
}

const MAX_ITEMS = 100;

/**
 * A new tab joins the site's conversation if it was active this recently (a web analytics session's
 * 30 minutes); older, it starts a new one, so a visitor coming back tomorrow, or the next person at a
 * shared computer, does not find the last conversation open. A tab that already shows it keeps it.
 */
export const JOIN_WITHIN_MS = 30 * 60_000;

interface Stored extends Conversation {
  /** When a tab last changed it (ms). */
  savedAt: number;
}

interface TabRecord {
  tab: string;
  open: boolean | undefined;
  /** The conversation this tab showed: it keeps it however long it stayed idle. */
  conversationId: string | null;
}

export class History {
  /** This tab's id, which its messages carry (kept across the site's pages, like the panel's state). */
  private tabId: string;
  /**
   * Whether the id came from the tab's sessionStorage: an earlier page of the tab left it, or the tab
   * is a duplicate, whose sessionStorage is a copy of its original's (tab-claim.ts tells which).
   */
  readonly inherited: boolean;

  constructor(
    readonly key: string,
    private readonly shared: Storage | null = safeStorage("localStorage"),
    private readonly own: Storage | null = safeStorage("sessionStorage"),
  ) {
    const record = this.ownRecord();
    this.tabId = record.tab;
    this.inherited = record.inherited;
  }

  get tab(): string {
    return this.tabId;
  }

  /** Take a new tab id (this tab is a duplicate: its original holds the one copied), kept from now on. */
  renewTab(): void {
    this.tabId = newMessageId();
    this.write(this.own, { ...this.read(this.own), tab: this.tabId });
  }

  load(now = Date.now()): Saved {
    const mine = this.ownRecord();
    const shared = this.sharedRecord();
    const started = shared.conversationId !== null || shared.items.length > 0;
    const shown = mine.conversationId !== null && shared.conversationId === mine.conversationId;
    const joins = started && (shown || now - shared.savedAt <= JOIN_WITHIN_MS);
    if (started && !joins) this.remove(this.shared); // not kept on the device for the next person either
    // A tab that remembered its whole conversation itself (before tabs shared it) keeps it.
    const conversation = joins ? shared : (legacyConversation(this.read(this.own)) ?? emptyConversation());
    return { ...conversation, open: mine.open };
  }

  /** The site's conversation as another tab left it (on its `storage` event). */
  current(): Conversation {
    return this.sharedRecord();
  }

  save(saved: Saved, now = Date.now()): void {
    const { conversationId, quickReplies, open } = saved;
    const mine: TabRecord = { tab: this.tabId, open, conversationId };
    this.write(this.own, mine);
    // A tab that has not started a conversation yet leaves the site's conversation alone.
    if (conversationId === null && saved.items.length === 0) return;
    const stored: Stored = { conversationId, items: saved.items.slice(-MAX_ITEMS), quickReplies, savedAt: now };
    this.write(this.shared, stored);
  }

  private ownRecord(): TabRecord & { inherited: boolean } {
    const raw = this.read(this.own);
    const inherited = typeof raw.tab === "string" && raw.tab !== "";
    return {
      inherited,
      tab: inherited ? (raw.tab as string) : newMessageId(),
      open: typeof raw.open === "boolean" ? raw.open : undefined,
      conversationId: typeof raw.conversationId === "string" ? raw.conversationId : null,
    };
  }

  private sharedRecord(): Stored {
    const raw = this.read(this.shared);
    return { ...conversationOf(raw), savedAt: typeof raw.savedAt === "number" ? raw.savedAt : 0 };
  }

  private read(storage: Storage | null): Record<string, unknown> {
    try {
      const value: unknown = JSON.parse(storage?.getItem(this.key) ?? "{}");
      return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }

  private remove(storage: Storage | null): void {
    try {
      storage?.removeItem(this.key);
    } catch {
      // disabled storage holds nothing
    }
  }

  private write(storage: Storage | null, value: object): void {
    try {
      storage?.setItem(this.key, JSON.stringify(value));
    } catch {
      // storage full or disabled: the conversation still works, it just is not remembered
    }
  }
}

function conversationOf(raw: Record<string, unknown>): Conversation {
  return {
    conversationId: typeof raw.conversationId === "string" ? raw.conversationId : null,
    items: Array.isArray(raw.items) ? (raw.items as Item[]).slice(-MAX_ITEMS) : [],
    quickReplies: Array.isArray(raw.quickReplies) ? (raw.quickReplies as Button[]) : [],
  };
}

/** A tab's record from before the conversation was the site's: it held the transcript too. */
function legacyConversation(raw: Record<string, unknown>): Conversation | null {
  return Array.isArray(raw.items) ? conversationOf(raw) : null;
}

function emptyConversation(): Conversation {
  return { conversationId: null, items: [], quickReplies: [] };
}

function safeStorage(name: "localStorage" | "sessionStorage"): Storage | null {
  try {
    return globalThis[name] ?? null;
  } catch {
    return null; // blocked third-party storage
  }
}
