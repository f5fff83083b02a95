// The turns of the test chat: what the user sent, the bot's answer to it (a reply or an error
// frame), and the console's own parse of the text beside it, a debugging note that never decides
// which turn an answer belongs to.

import type { BotMessageFrame, ErrorFrame } from "../shared/protocol";
import type { ParseResult } from "./types";

export interface TurnView {
  id: number;
  text: string | null; // null: the welcome, which no user message asked for
  reply: BotMessageFrame | null;
  /** The server's error frame, in answer to the message. */
  error: string | null;
  parse: ParseResult | null;
  /** Why the console's own parse (the ranking) failed; the bot's answer is still to come. */
  parseError: string | null;
}

export function userTurn(id: number, text: string): TurnView {
  return { id, text, reply: null, error: null, parse: null, parseError: null };
}

/** Whether the turn still waits for the bot's answer. */
export function waiting(turn: TurnView): boolean {
  return turn.reply === null && turn.error === null;
}

/**
 * `turns` with `frame` in place. Frames answer the user's messages in order, so a frame goes to the
 * first turn still waiting for one; a welcome answers none and goes before the waiting turns, as
 * does a frame that finds none waiting. `newId` numbers a turn made for it.
 */
export function placeFrame(turns: TurnView[], frame: BotMessageFrame | ErrorFrame, welcome: boolean, newId: () => number): TurnView[] {
  const fill = (turn: TurnView): TurnView => (frame.type === "error" ? { ...turn, error: frame.message } : { ...turn, reply: frame });
  const index = turns.findIndex((t) => t.text !== null && waiting(t));
  if (welcome || index < 0) {
    const at = index < 0 ? turns.length : index;
    return [...turns.slice(0, at), fill({ ...userTurn(newId(), ""), text: null }), ...turns.slice(at)];
  }
  return turns.map((t, i) => (i === index ? fill(t) : t));
}

/** `turns` with the parse of turn `id`, or why it failed. */
export function placeParse(turns: TurnView[], id: number, parse: ParseResult | null, parseError: string | null = null): TurnView[] {
  return turns.map((t) => (t.id === id ? { ...t, parse, parseError } : t));
}
