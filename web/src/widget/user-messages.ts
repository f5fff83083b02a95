// The visitor's messages from typed to answered, as the transcript shows them: waiting for the
// connection (dimmed), sent and waiting for the answer, answered, or not sent (marked, in plain
// words). Each has an id that its answer names (`reply_to`). One sent and not answered goes again on
// the next connection, even from the site's next page, and the gateway answers that copy with the
// reply it kept, so the visitor never waits forever on an answer that went to a dead socket.
// Every tab of the site shows the conversation, but a message is sent, again or not, only by the
// tab it was typed in (`tab`), and its answer goes to that tab's socket.

import type { ChatConnection } from "../shared/connection";
import { newMessageId } from "../shared/outbox";
import type { BotMessageFrame, ErrorFrame } from "../shared/protocol";
import type { Item } from "./history";
import { refusalOf } from "./refusals";
import type { Transcript } from "./transcript";

/** How long a message may wait for its answer across pages; the gateway keeps replies 5 minutes. */
export const RESEND_WITHIN_MS = 120_000;

const LOST = "No answer: the connection was lost. Please send it again.";
/** Under a message the refused chat did not take: the note after it says why, once. */
const NOT_SENT = "Not sent.";
/** The connection holds as many messages as the gateway takes at once: a new one is refused, never an old one dropped. */
const TOO_MANY_WAITING = "Too many messages are waiting to be sent. Wait for the connection, then send this one.";
const NOT_SENT_WAITING = "Not sent: too many messages were waiting. Please send it again.";
/** Under a message another tab queued and never sent: that tab was closed first. */
const LEFT_UNSENT = "Not sent: the tab it was typed in was closed. Please send it again.";

export interface UserMessagesHooks {
  /** Something changed that the tab should remember. */
  changed: () => void;
  /** A message failed: the visitor may want its text back. */
  failed: (item: Item) => void;
}

export class UserMessages {
  /** The messages this page typed, which are this tab's whatever id it takes. */
  private readonly typedHere = new Set<string>();

  constructor(
    private readonly transcript: Transcript,
    private readonly connection: ChatConnection,
    private readonly hooks: UserMessagesHooks,
    /** This tab's id now, which its messages carry. */
    private readonly tab: () => string,
  ) {}

  /**
   * Send `text` for the visitor, shown as `shown` (a button's title). False, with a note saying why,
   * when too many messages already wait for the connection: the visitor keeps it to send later.
   */
  send(text: string, shown: string): boolean {
    const item: Item = { from: "user", text: shown, id: newMessageId(), tab: this.tab() };
    this.typedHere.add(item.id!);
    if (text !== shown) item.payload = text;
    const sent = this.connection.send(text, item.id);
    if (sent === "full") {
      this.transcript.noteOnce(TOO_MANY_WAITING); // remembered with the next change: it holds only until then
      return false;
    }
    if (sent === "queued") {
      item.pending = true;
      item.at = Date.now(); // typed: another tab may mark it not sent once this one is long gone
    } else this.sent(item);
    this.transcript.add(item);
    this.hooks.changed();
    return true;
  }

  /**
   * What an earlier page of this tab left waiting: sent again, in order, under the same ids; one
   * that has waited for its answer too long is marked instead, whichever tab sent it, and so is one
   * another tab has kept waiting to be sent as long (a tab closed first would leave it waiting in
   * the others for good). Whether anything is to be sent.
   */
  resume(now = Date.now()): boolean {
    let sending = false;
    for (const item of this.transcript.items) {
      if (item.from !== "user" || !(item.pending || item.unanswered)) continue;
      if (item.unanswered && now - (item.at ?? 0) > RESEND_WITHIN_MS) {
        this.fail(item, LOST, true, this.mine(item));
        continue;
      }
      if (!this.mine(item)) {
        if (item.pending && now - (item.at ?? now) > RESEND_WITHIN_MS) this.fail(item, LEFT_UNSENT, true, false);
        continue;
      }
      item.id ??= newMessageId();
      if (this.connection.send(item.payload ?? item.text, item.id) === "full") {
        this.fail(item, NOT_SENT_WAITING, true);
        continue;
      }
      this.transcript.dim(item, true);
      sending = true;
    }
    return sending;
  }

  /**
   * This tab took a new id, having found its original holding `previous` (a duplicated tab): what
   * it typed since its page loaded is its own under the new one; the rest is its original's.
   */
  renewedTab(previous: string): void {
    const typed = this.transcript.items.filter((item) => item.tab === previous && this.typedHere.has(item.id ?? ""));
    for (const item of typed) item.tab = this.tab();
    if (typed.length) this.hooks.changed();
  }

  /** The connection is open and has sent what waited. */
  connected(now = Date.now()): void {
    for (const item of this.waiting()) {
      if (item.pending) this.sent(item, now);
      this.transcript.dim(item, false);
    }
    this.hooks.changed();
  }

  /** The connection is gone: what waits for an answer goes again on the next one, dimmed until then. */
  disconnected(): void {
    for (const item of this.waiting()) this.transcript.dim(item, true);
  }

  /**
   * Whether the answer is new: not when the message it names was answered already (a duplicated
   * tab, which shares this tab's id, sent it again and the gateway gave it the kept reply).
   */
  answered(frame: BotMessageFrame, welcome: boolean): boolean {
    if (welcome) return true;
    const item = frame.reply_to !== undefined ? this.byId(frame.reply_to) : this.waiting()[0];
    if (!item) return true;
    if (!item.pending && !item.unanswered && !item.failed) return false;
    delete item.unanswered;
    delete item.at;
    this.hooks.changed();
    return true;
  }

  /**
   * A refusal, in the visitor's words; the gateway's, meant for the site's developer, go to the
   * console. Only the message it names (`reply_to`) is marked: one that names none refused a frame
   * the gateway could not read, or a ping, and a guess would mark a message that was answered. A
   * refused chat fails what waits (the socket closes unread) and says why once.
   */
  refused(frame: ErrorFrame): void {
    console.warn(`<parley-chat>: ${frame.code}: ${frame.message}`);
    const refusal = refusalOf(frame.code);
    const named = frame.reply_to !== undefined ? this.byId(frame.reply_to) : undefined;
    if (refusal.scope === "chat") {
      const waiting = this.waiting().filter((item) => item.unanswered);
      for (const item of named ? [named] : waiting) this.fail(item, NOT_SENT, false);
      this.transcript.noteOnce(refusal.note);
      this.hooks.changed();
      return;
    }
    if (named) this.fail(named, refusal.note, refusal.retry);
  }

  /** The connection sent message `id` as often as it does without an answer. */
  givenUp(id: string): void {
    const item = this.byId(id);
    if (item) this.fail(item, LOST, true);
  }

  private sent(item: Item, now = Date.now()): void {
    delete item.pending;
    item.unanswered = true;
    item.at = now;
  }

  /** `giveBack`: the message's text may come back into the input (not another tab's, unasked). */
  private fail(item: Item, note: string, retry: boolean, giveBack = true): void {
    delete item.unanswered;
    delete item.at;
    if (item.id !== undefined) this.connection.forget(item.id);
    this.transcript.failed(item, { note, retry });
    if (giveBack) this.hooks.failed(item);
    this.hooks.changed();
  }

  /** This tab's messages still to be sent or answered, oldest first. */
  private waiting(): Item[] {
    return this.transcript.items.filter((item) => item.from === "user" && this.mine(item) && (item.pending || item.unanswered));
  }

  private mine(item: Item): boolean {
    return item.tab === undefined || item.tab === this.tab();
  }

  private byId(id: string): Item | undefined {
    return this.transcript.items.find((item) => item.from === "user" && item.id === id);
  }
}
