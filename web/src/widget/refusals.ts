// What the visitor reads when the server refuses something: plain words. The server's own message
// is for the site's developer and goes to the console.

/**
 * What a refusal is about: `message`, the message it names (`reply_to`), refused as the gateway read
 * it or when its turn failed; `chat`, the whole chat (a key needed, the page's origin or the bot
 * refused).
 */
export type RefusalScope = "message" | "chat";

export interface Refusal {
  scope: RefusalScope;
  /** What the visitor reads. */
  note: string;
  /** Whether sending the same message again may work (not for one that is too long). */
  retry: boolean;
}

const UNAVAILABLE = "This chat is not available right now.";
const TOO_LONG = "Not sent: this message is too long. Shorten it and send it again.";

const REFUSALS: Record<string, Refusal> = {
  rate_limited: { scope: "message", note: "Not sent: too many messages at once. Wait a moment and send it again.", retry: true },
  frame_too_large: { scope: "message", note: TOO_LONG, retry: false },
  text_too_long: { scope: "message", note: TOO_LONG, retry: false },
  timeout: { scope: "message", note: "No answer in time. Please send it again in a moment.", retry: true },
  unauthorized: { scope: "chat", note: UNAVAILABLE, retry: false },
  forbidden: { scope: "chat", note: UNAVAILABLE, retry: false },
  not_found: { scope: "chat", note: UNAVAILABLE, retry: false },
};

/** Codes the gateway gives a frame it cannot read: never the visitor's doing, but that message failed. */
const UNREADABLE = new Set(["empty_text", "invalid_frame", "invalid_json", "invalid_input", "unknown_type", "unexpected_frame"]);

export function refusalOf(code: string): Refusal {
  if (UNREADABLE.has(code)) return { scope: "message", note: "Not sent: something went wrong. Please send it again.", retry: true };
  return REFUSALS[code] ?? { scope: "message", note: "No answer: something went wrong. Please send it again in a moment.", retry: true };
}
