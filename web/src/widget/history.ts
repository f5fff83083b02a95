// What the widget remembers for the tab (sessionStorage): the conversation id, the transcript (with
// the messages still waiting to be sent) and the quick replies waiting for an answer, so navigating
// between pages of the host site keeps the conversation.

import type { Button } from "../shared/protocol";

export interface Item {
  from: "bot" | "user" | "note";
  /** What the transcript shows (a button's title, for a button). */
  text: string;
  buttons?: Button[];
  /** A user message's text as sent, where it is not `text` (a button's payload). */
  payload?: string;
  /** A user message's id: its answer names it, and a copy sent again gets the same answer. */
  id?: string;
  /** A user message typed while disconnected, not sent yet: sent when the connection is back. */
  pending?: boolean;
  /** A user message sent and not answered yet (since `at`, in ms): sent again on a new connection. */
  unanswered?: boolean;
  at?: number;
  /** A user message the server refused or did not answer: what the visitor reads under it. */
  failed?: { note: string; retry: boolean };
}

export interface Saved {
  conversationId: string | null;
  items: Item[];
  /** The last message's quick replies, until the user answers. */
  quickReplies: Button[];
  /** Whether the visitor last opened or closed the panel; unset until they do. */
  open: boolean | undefined;
}

const MAX_ITEMS = 100;

export class History {
  constructor(
    private readonly key: string,
    private readonly storage: Storage | null = safeSessionStorage(),
  ) {}

  load(): Saved {
    try {
      const raw = this.storage?.getItem(this.key);
      const saved = raw ? (JSON.parse(raw) as Partial<Saved>) : {};
      return {
        conversationId: typeof saved.conversationId === "string" ? saved.conversationId : null,
        items: Array.isArray(saved.items) ? saved.items.slice(-MAX_ITEMS) : [],
        quickReplies: Array.isArray(saved.quickReplies) ? saved.quickReplies : [],
        open: typeof saved.open === "boolean" ? saved.open : undefined,
      };
    } catch {
      return { conversationId: null, items: [], quickReplies: [], open: undefined };
    }
  }

  save(saved: Saved): void {
    try {
      this.storage?.setItem(this.key, JSON.stringify({ ...saved, items: saved.items.slice(-MAX_ITEMS) }));
    } catch {
      // storage full or disabled: the conversation still works, it just is not remembered
    }
  }
}

function safeSessionStorage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // blocked third-party storage
  }
}
