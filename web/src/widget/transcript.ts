// The conversation as the visitor reads it: the log's bubbles, each user message's state (waiting to
// be sent, not sent) and the buttons under bot messages. Text only ever goes in as text.

import { appendRichText } from "../shared/richtext";
import { type Button, usableButtons } from "../shared/protocol";
import type { Item } from "./history";
import { el } from "./dom";

export interface TranscriptActions {
  /** The visitor chose a button. */
  choose: (button: Button) => void;
  /** The visitor asked to send a message that failed again; whether it was taken. */
  retry: (item: Item) => boolean;
}

export class Transcript {
  private readonly bubbles = new Map<Item, HTMLElement>();

  constructor(
    readonly log: HTMLElement,
    readonly items: Item[],
    private readonly actions: TranscriptActions,
  ) {
    for (const item of items) this.show(item);
  }

  add(item: Item): void {
    this.items.push(item);
    this.show(item);
  }

  /** Show `items` instead, as another tab left the conversation. */
  replace(items: Item[]): void {
    this.items.splice(0, this.items.length, ...items);
    this.bubbles.clear();
    this.log.replaceChildren();
    for (const item of this.items) this.show(item);
  }

  /**
   * Add a note unless the same one has been shown since the bot last spoke: a refusal repeated on
   * every retry is shown once.
   */
  noteOnce(text: string): void {
    for (let i = this.items.length - 1; i >= 0 && this.items[i]!.from !== "bot"; i--) {
      if (this.items[i]!.from === "note" && this.items[i]!.text === text) return;
    }
    this.add({ from: "note", text });
  }

  /** Show a user message as waiting for the connection (dimmed), or no longer. */
  dim(item: Item, waiting: boolean): void {
    this.bubbles.get(item)?.classList.toggle("pending", waiting);
  }

  failed(item: Item, failure: NonNullable<Item["failed"]>): void {
    delete item.pending;
    item.failed = failure;
    const bubble = this.bubbles.get(item);
    if (bubble) this.showFailure(item, bubble);
  }

  /** A button that does what the visitor chose (also for the quick replies' bar). */
  button(button: Button): HTMLButtonElement {
    const node = el("button", { type: "button" }, button.title);
    node.addEventListener("click", () => this.actions.choose(button));
    return node;
  }

  scrollDown(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }

  private show(item: Item): void {
    // dir=auto: Arabic or Hebrew reads right to left. The prefix has its own dir, so it does not decide.
    const bubble = el("div", { class: `msg ${item.from}${item.pending ? " pending" : ""}`, dir: "auto" });
    this.bubbles.set(item, bubble);
    bubble.append(el("span", { class: "sr-only", dir: "ltr" }, item.from === "user" ? "You: " : item.from === "bot" ? "Bot: " : ""));
    if (item.from === "bot") appendRichText(bubble, item.text);
    else bubble.append(item.text);
    if (item.text) this.log.append(bubble);
    this.showFailure(item, bubble);
    if (item.buttons?.length) {
      const group = el("div", { class: "buttons", role: "group", "aria-label": "Options" });
      for (const button of usableButtons(item.buttons)) group.append(this.button(button));
      this.log.append(group);
    }
    this.scrollDown();
  }

  private showFailure(item: Item, bubble: HTMLElement): void {
    if (!item.failed) return;
    bubble.classList.remove("pending");
    bubble.classList.add("failed");
    const failure = el("div", { class: "failure" }, item.failed.note);
    if (item.failed.retry) {
      const again = el("button", { type: "button", "aria-label": `Send again: ${item.text}` }, "Send again");
      again.addEventListener("click", () => {
        const failed = item.failed!;
        item.failed = { ...failed, retry: false }; // sent again as a new message: this one stays as it was, not sent
        if (this.actions.retry(item)) again.remove();
        else item.failed = failed; // refused (too many waiting): it may be sent again later
      });
      failure.append(" ", again);
    }
    bubble.after(failure);
  }
}
