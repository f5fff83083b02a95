// <parley-chat bot="pizzeria" server="https://chat.example.com" title="Pizza help" [key="…"]
// [context='{"username": "Ann"}'] [open]>: a launcher button and a chat panel in a shadow root (the
// host page's CSS cannot break it, nor it the page).

import { ChatConnection, type ConnectionState } from "../shared/connection";
import { type BotMessageFrame, type Button, type ErrorFrame, usableButtons } from "../shared/protocol";
import { type Conversation, History, type Item } from "./history";
import { TabClaim } from "./tab-claim";
import { Transcript } from "./transcript";
import { UserMessages } from "./user-messages";
import { el, svgIcon } from "./dom";
import css from "./widget.css?inline";

const CHAT_ICON = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z";
const STATUS_TEXT: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  open: "Online",
  reconnecting: "Reconnecting…",
  unavailable: "Unavailable",
  stopped: "Offline",
};

/**
 * A closed panel's connection is closed after this long (and resumed when the visitor opens it
 * again), so a tab left open does not hold a socket forever with its pings.
 */
export const CLOSED_IDLE_MS = 120_000;

export class ParleyChatElement extends HTMLElement {
  static readonly observedAttributes = ["context"];

  private connection: ChatConnection | null = null;
  /** Whether the visitor has wanted the chat (opened it or sent something) since it last went idle. */
  private live = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private history: History | null = null;
  private claim: TabClaim | null = null;
  /** Whether this tab's id is its own, as far as the claim can tell: only then does it connect. */
  private claimed = false;
  private transcript: Transcript | null = null;
  private messages: UserMessages | null = null;
  private quickReplies: Button[] = [];
  private isOpen = false;
  /** What the visitor last chose (open or closed), which wins over `open` on later pages. */
  private openChosen: boolean | undefined;
  private readonly launcher = el("button", { class: "launcher", "aria-expanded": "false", "aria-controls": "panel" });
  private readonly panel = el("section", { class: "panel", id: "panel", role: "dialog", hidden: true });
  private readonly heading = el("h2", { id: "title" });
  private readonly status = el("span", { class: "status", role: "status" });
  private readonly log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });
  private readonly quick = el("div", { class: "quick", role: "group", "aria-label": "Suggested replies" });
  private readonly input = el("input", { id: "message", type: "text", dir: "auto", autocomplete: "off", maxlength: "2000", placeholder: "Type a message…" });
  /** Another tab of the site changed the conversation: show it here too. */
  private readonly onStorage = (event: StorageEvent): void => {
    if (this.history && event.key === this.history.key && event.newValue !== null) this.follow(this.history.current());
  };

  connectedCallback(): void {
    if (!this.connection) this.setUp();
    else {
      // Again when the element comes back after a removal.
      this.claim?.start(false);
      if (this.live) this.connect();
    }
  }

  /** A new `context` holds for the messages sent from then on (the welcome has had the first). */
  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    if (name === "context") this.connection?.setContext(contextFrom(value));
  }

  disconnectedCallback(): void {
    // Moving the element in the page takes it out and puts it back at once: only a removal that
    // lasts closes the connection.
    queueMicrotask(() => {
      if (this.isConnected) return;
      clearTimeout(this.idleTimer);
      this.connection?.stop();
      this.claim?.stop();
    });
  }

  private setUp(): void {
    const bot = this.getAttribute("bot") ?? "";
    const server = this.getAttribute("server") ?? location.origin;
    const title = this.getAttribute("title") ?? "Chat";
    this.removeAttribute("title"); // otherwise the host shows it as a tooltip everywhere
    this.render(title);
    const history = (this.history = new History(`parley-chat:${new URL(server, location.href).origin}:${bot}`));
    const saved = history.load();
    this.transcript = new Transcript(this.log, saved.items, {
      choose: (button) => {
        this.send(button.payload, button.title); // refused: the buttons stay, to be chosen later
        this.input.focus(); // a quick reply's button is gone now; an intent button would send it again
      },
      retry: (item) => {
        const taken = this.send(item.payload ?? item.text, item.text);
        this.input.focus();
        return taken;
      },
    });
    this.connection = new ChatConnection({
      server,
      bot,
      conversationId: saved.conversationId,
      key: this.getAttribute("key"),
      context: contextFrom(this.getAttribute("context")),
      onFrame: (frame, welcome) => this.receive(frame, welcome),
      onState: (state) => this.setStatus(state),
      onConversation: () => this.remember(),
      onGivenUp: (id) => this.messages?.givenUp(id),
    });
    this.messages = new UserMessages(
      this.transcript,
      this.connection,
      {
        changed: () => this.remember(),
        failed: (item) => {
          // Typed text comes back to be edited or sent again (a button's can be chosen again).
          if (item.payload === undefined && !this.input.value) this.input.value = item.text;
        },
      },
      () => history.tab,
    );
    this.claim = new TabClaim(`parley-chat-tabs:${history.key}`, {
      tab: () => history.tab,
      renew: () => {
        const previous = history.tab;
        history.renewTab();
        this.messages?.renewedTab(previous);
      },
    });
    globalThis.addEventListener?.("storage", this.onStorage);
    this.showQuickReplies(saved.quickReplies);
    this.openChosen = saved.open;
    this.setOpen(saved.open ?? this.hasAttribute("open"), false);
    this.claim.start(history.inherited);
    this.claim.settled(() => {
      this.claimed = true;
      // What an earlier page of the tab left to send or unanswered goes now, whether the panel is
      // open or not (a duplicated tab's were its original's, which sends them).
      const resumed = this.messages?.resume() ?? false;
      if (resumed || this.live) this.connect();
    });
  }

  /**
   * Open or close the panel, as the visitor chose (also `window.ParleyChat.open()` / `.close()`):
   * the choice holds on the site's other pages, over their `open` attribute.
   */
  toggle(open = !this.isOpen, moveFocus = true): void {
    this.openChosen = open;
    this.setOpen(open, moveFocus);
  }

  /**
   * Show or hide the panel. The first opening connects: a page view whose visitor never opens the
   * chat starts no conversation.
   */
  private setOpen(open: boolean, moveFocus: boolean): void {
    this.isOpen = open;
    this.panel.hidden = !open;
    this.launcher.setAttribute("aria-expanded", String(open));
    this.launcher.setAttribute("aria-label", open ? "Close chat" : "Open chat");
    if (moveFocus) (open ? this.input : this.launcher).focus();
    if (open) {
      this.transcript?.scrollDown();
      this.connect();
    } else {
      this.idleWhileClosed();
    }
    this.remember();
  }

  /**
   * Send `text` as if the user typed it; `shown` is what the transcript shows (a button's title).
   * Whether it was taken: not when too many messages wait for the connection (a note says so).
   */
  send(text: string, shown = text): boolean {
    if (!this.messages || !text.trim()) return false;
    this.connect();
    if (!this.messages.send(text, shown)) return false;
    this.showQuickReplies([]);
    return true;
  }

  private connect(): void {
    clearTimeout(this.idleTimer);
    this.live = true;
    // Not before the tab's id is its own: a duplicated tab would send its original's messages.
    if (this.isConnected && this.claimed) this.connection?.start();
  }

  /** Close the connection once the panel has stayed closed for a while with nothing left to send. */
  private idleWhileClosed(): void {
    clearTimeout(this.idleTimer);
    if (!this.live) return;
    this.idleTimer = setTimeout(() => {
      if (this.isOpen || this.connection?.hasQueued) return;
      this.live = false;
      this.connection?.stop();
    }, CLOSED_IDLE_MS);
  }

  private render(title: string): void {
    const root = this.attachShadow({ mode: "open" });
    this.heading.textContent = title;
    this.panel.setAttribute("aria-labelledby", "title");
    this.launcher.append(svgIcon(CHAT_ICON));
    this.launcher.addEventListener("click", () => this.toggle());
    const close = el("button", { class: "close", type: "button", "aria-label": "Close chat" }, "×");
    close.addEventListener("click", () => this.toggle(false));
    const form = el(
      "form",
      {},
      el("label", { class: "sr-only", for: "message" }, "Message"),
      this.input,
      el("button", { class: "send", type: "submit" }, "Send"),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (!text || this.send(text)) this.input.value = ""; // refused: kept to send later
    });
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.toggle(false);
    });
    this.panel.append(el("header", {}, this.heading, this.status, close), this.log, this.quick, form);
    root.append(el("style", {}, css), this.panel, this.launcher);
  }

  private receive(frame: BotMessageFrame | ErrorFrame, welcome: boolean): void {
    if (frame.type === "error") {
      this.messages?.refused(frame);
      return;
    }
    if (this.messages?.answered(frame, welcome) === false) return; // shown already
    for (const message of frame.messages) {
      const buttons = usableButtons(message.buttons);
      const choices = buttons.filter(isQuickReply);
      const actions = buttons.filter((b) => !isQuickReply(b));
      if (message.text || actions.length) this.add({ from: "bot", text: message.text, buttons: actions });
      if (choices.length) this.showQuickReplies(choices);
    }
  }

  private add(item: Item): void {
    this.transcript?.add(item);
    this.remember();
  }

  private showQuickReplies(buttons: Button[], remember = true): void {
    this.quickReplies = usableButtons(buttons);
    this.quick.replaceChildren(...this.quickReplies.map((b) => this.transcript!.button(b)));
    this.transcript?.scrollDown(); // the bar takes its height from the log: keep the question they answer in view
    if (remember) this.remember();
  }

  /**
   * Show the conversation as another tab left it, and continue it: a tab that started its own at the
   * same moment follows the one saved last. Nothing is saved back (the other tab has).
   */
  private follow(conversation: Conversation): void {
    this.transcript?.replace(conversation.items);
    this.showQuickReplies(conversation.quickReplies, false);
    if (conversation.conversationId !== null) this.connection?.follow(conversation.conversationId);
    if (this.connection?.state !== "open") this.messages?.disconnected(); // this tab's waiting messages stay dimmed
  }

  private setStatus(state: ConnectionState): void {
    this.status.textContent = STATUS_TEXT[state];
    this.status.dataset.state = state;
    if (state === "open") this.messages?.connected();
    else if (state === "reconnecting" || state === "unavailable") this.messages?.disconnected();
  }

  private remember(): void {
    this.history?.save({
      conversationId: this.connection?.conversationId ?? null,
      items: this.transcript?.items ?? [],
      quickReplies: this.quickReplies,
      open: this.openChosen,
    });
  }
}

/**
 * The `context` attribute: a JSON object, which the bot's templates see as `context`. Anything else is
 * no context (and a warning for the page's author), never an error in the host page.
 */
function contextFrom(attribute: string | null): Record<string, unknown> {
  if (!attribute) return {};
  try {
    const value: unknown = JSON.parse(attribute);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  console.warn("<parley-chat>: the context attribute is not a JSON object; it is ignored");
  return {};
}

/** A parameter's choices come as buttons whose payload is their title: show them as quick replies. */
function isQuickReply(button: Button): boolean {
  return button.payload === button.title && !button.payload.startsWith("/");
}
