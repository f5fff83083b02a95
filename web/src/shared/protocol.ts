// The chat protocol of DESIGN.md §5, as the browser sees it.

export interface Button {
  title: string;
  payload: string;
}

export interface OutMessage {
  text: string;
  buttons?: Button[];
}

export interface IntentScore {
  name: string;
  confidence: number;
}

export interface EntityValue {
  entity: string;
  value: unknown;
  start: number;
  end: number;
  confidence?: number;
  extractor?: string;
}

export interface BotMessageFrame {
  type: "bot_message";
  conversation_id: string;
  /** The id of the user message this answers (not on a welcome). */
  reply_to?: string;
  messages: OutMessage[];
  intent?: IntentScore | null;
  entities?: EntityValue[];
  slots?: Record<string, unknown>;
  missing_slots?: string[];
  complete?: boolean;
}

export interface ErrorFrame {
  type: "error";
  code: string;
  message: string;
  /** The id of the user message refused, when the gateway could read it. */
  reply_to?: string;
}

export interface PongFrame {
  type: "pong";
}

export type ServerFrame = BotMessageFrame | ErrorFrame | PongFrame;

export interface UserMessageFrame {
  type: "user_message";
  text: string;
  context?: Record<string, unknown>;
  /** The user's IANA time zone: the bot reads "tomorrow" as the user's tomorrow. */
  timezone?: string;
  /** The client's id for the message: its answer says it, and a copy sent again gets the same answer. */
  id?: string;
}

/**
 * The first frame on a socket opened with `start=true`: a new conversation's welcome waits for it and
 * is rendered with its context, which the conversation keeps from then on; its time zone holds for every
 * message of the connection (a conversation keeps none).
 */
export interface StartFrame {
  type: "start";
  context?: Record<string, unknown>;
  timezone?: string;
}

/**
 * The buttons a person can read and press: a button without a title shows its payload, one without
 * a payload sends its title, and one with neither is dropped (never an empty pill).
 */
export function usableButtons(buttons: readonly Button[] | undefined): Button[] {
  return (buttons ?? []).flatMap((button) => {
    const title = String(button.title ?? "").trim();
    const payload = String(button.payload ?? "").trim();
    return title || payload ? [{ title: title || payload, payload: payload || title }] : [];
  });
}

/** Close codes the gateway uses when it refuses or ends a connection (routes/websocket.py). */
export const CLOSE_BAD_REQUEST = 4400;
export const CLOSE_KEY_NEEDED = 4401;
export const CLOSE_KEY_REFUSED = 4403;
export const CLOSE_UNKNOWN_BOT = 4404;

export function parseServerFrame(data: unknown): ServerFrame | null {
  if (typeof data !== "string") return null;
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof frame !== "object" || frame === null) return null;
  const type = (frame as { type?: unknown }).type;
  if (type === "bot_message") {
    const f = frame as BotMessageFrame;
    return Array.isArray(f.messages) && typeof f.conversation_id === "string" ? f : null;
  }
  if (type === "error" || type === "pong") return frame as ServerFrame;
  return null;
}

/**
 * The websocket URL of `/ws/chat` on the server at `base` (an http(s) or ws(s) URL, absolute or
 * relative), announcing a `start` frame (`start=true`): the client sends one first, so the welcome can
 * greet with its context. A secure address stays secure (`https:` and `wss:` give `wss:`).
 */
export function chatSocketUrl(base: string, bot: string, conversationId: string | null, key?: string | null): string {
  const url = new URL("ws/chat", withSlash(new URL(base || "/", location.href).href));
  url.protocol = url.protocol === "https:" || url.protocol === "wss:" ? "wss:" : "ws:";
  url.searchParams.set("bot", bot);
  if (conversationId) url.searchParams.set("conversation_id", conversationId);
  if (key) url.searchParams.set("key", key); // browsers cannot set headers on a websocket
  url.searchParams.set("start", "true");
  return url.href;
}

function withSlash(href: string): string {
  const url = new URL(href);
  url.search = "";
  url.hash = "";
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url.href;
}
