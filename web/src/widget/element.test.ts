import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CLOSED_IDLE_MS, ParleyChatElement } from "./element";
import { FakeSocket } from "../shared/fake-socket";
import { FakeChannel } from "./fake-channel";
import { CLAIM_WAIT_MS } from "./tab-claim";

const last = (): FakeSocket => FakeSocket.all[FakeSocket.all.length - 1]!;
const TAG = "parley-chat-test";
if (!customElements.get(TAG)) customElements.define(TAG, ParleyChatElement);

/** A widget in the page, its panel open at load unless `open` is false (as `data-open="true"`). */
function mount(bot = "pizzeria", attributes: Record<string, string> = {}, { open = true } = {}): ParleyChatElement {
  const chat = document.createElement(TAG) as ParleyChatElement;
  chat.setAttribute("bot", bot);
  chat.setAttribute("server", "http://chat.test/");
  if (open) chat.setAttribute("open", "");
  for (const [name, value] of Object.entries(attributes)) chat.setAttribute(name, value);
  document.body.append(chat);
  return chat;
}

const frames = (socket: FakeSocket): Record<string, unknown>[] => socket.sent.map((f) => JSON.parse(f));
/** The user messages `socket` carried, oldest first (pings and the start frame left out). */
const said = (socket: FakeSocket): Record<string, unknown>[] => frames(socket).filter((frame) => frame.type === "user_message");

const root = (chat: Element): ShadowRoot => chat.shadowRoot!;
const panelShown = (chat: Element): boolean => !root(chat).querySelector<HTMLElement>(".panel")!.hidden;
const texts = (chat: Element, selector: string): string[] =>
  [...root(chat).querySelectorAll(selector)].map((node) => node.textContent ?? "");

describe("<parley-chat>", () => {
  beforeEach(() => {
    FakeSocket.all = [];
    sessionStorage.clear();
    localStorage.clear();
    document.body.replaceChildren();
    vi.stubGlobal("WebSocket", FakeSocket);
    // A browser without it takes the tab's id as its own at once ("a duplicated tab" below has one).
    vi.stubGlobal("BroadcastChannel", undefined);
  });
  afterEach(() => {
    document.body.replaceChildren();
    vi.unstubAllGlobals();
  });

  it("connects only once the visitor opens the chat", () => {
    const chat = mount("pizzeria", {}, { open: false });
    expect(FakeSocket.all).toHaveLength(0); // a page view alone starts no conversation
    chat.toggle(true);
    expect(FakeSocket.all).toHaveLength(1);
    last().serverOpens();
    last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "welcome" }] });
    chat.toggle(false);
    chat.toggle(true);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it("connects when the page sends a message for the visitor", () => {
    const chat = mount("pizzeria", {}, { open: false });
    chat.send("hello");
    expect(FakeSocket.all).toHaveLength(1);
    last().serverOpens();
    expect(frames(last()).map((frame) => frame.type)).toEqual(["start", "ping", "user_message", "ping"]);
  });

  it("resumes a conversation on the next page only once the visitor opens it", () => {
    const chat = mount();
    last().serverOpens();
    last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "welcome" }] });
    chat.toggle(false);
    chat.remove();

    const next = mount("pizzeria", {}, { open: false }); // the next page of the site
    expect(FakeSocket.all).toHaveLength(1);
    expect(texts(next, ".msg.bot")).toEqual(["Bot: welcome"]);
    next.toggle(true);
    expect(FakeSocket.all).toHaveLength(2);
    expect(new URL(last().url).searchParams.get("conversation_id")).toBe("c1");
  });

  it("closes the connection of a panel left closed, and resumes when it opens again", () => {
    vi.useFakeTimers();
    try {
      const chat = mount();
      last().answersPings = true;
      last().serverOpens();
      last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "welcome" }] });
      chat.toggle(false);
      vi.advanceTimersByTime(CLOSED_IDLE_MS - 1);
      chat.toggle(true); // opened again in time: the timer starts over when it closes
      chat.toggle(false);
      vi.advanceTimersByTime(CLOSED_IDLE_MS - 1);
      expect(last().readyState).toBe(FakeSocket.OPEN);
      vi.advanceTimersByTime(1);
      expect(last().readyState).toBe(FakeSocket.CLOSED);
      vi.advanceTimersByTime(10 * 60_000);
      expect(FakeSocket.all).toHaveLength(1); // no reconnecting while closed
      chat.toggle(true);
      expect(FakeSocket.all).toHaveLength(2);
      expect(new URL(last().url).searchParams.get("conversation_id")).toBe("c1");
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps trying to send what the visitor typed even once the panel is closed", () => {
    vi.useFakeTimers();
    try {
      const chat = mount();
      last().serverOpens();
      last().serverCloses(); // the server went away
      chat.send("hello");
      chat.toggle(false);
      vi.advanceTimersByTime(CLOSED_IDLE_MS);
      last().serverOpens();
      expect(said(last()).at(-1)).toMatchObject({ type: "user_message", text: "hello" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("stays closed on the next page once the visitor closed it, even where the page opens it", () => {
    const chat = mount(); // data-open="true"
    expect(panelShown(chat)).toBe(true);
    chat.toggle(false);
    chat.remove();
    const next = mount();
    expect(panelShown(next)).toBe(false);
    expect(FakeSocket.all).toHaveLength(1); // and it does not connect
    next.toggle(true);
    next.remove();
    expect(panelShown(mount("pizzeria", {}, { open: false }))).toBe(true);
  });

  it("lets a page open the chat when the visitor has not chosen yet", () => {
    mount("pizzeria", {}, { open: false }).remove(); // a page without data-open: no choice made
    expect(panelShown(mount())).toBe(true);
  });

  it("lays out each message and the input by their own script's direction", () => {
    const chat = mount();
    last().serverOpens();
    last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "שלום, יש לכם פיצה?" }] });
    chat.send("مرحبا!");
    const bubbles = [...root(chat).querySelectorAll(".msg")];
    expect(bubbles.map((bubble) => bubble.getAttribute("dir"))).toEqual(["auto", "auto"]);
    // The screen-reader prefix ("You: ") must not decide the bubble's direction.
    expect(bubbles.map((bubble) => bubble.querySelector(".sr-only")!.getAttribute("dir"))).toEqual(["ltr", "ltr"]);
    expect(root(chat).querySelector("input")!.getAttribute("dir")).toBe("auto");
  });

  it("sends what was typed while the server was away from the next page, once, in order", () => {
    const chat = mount();
    last().serverOpens();
    last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "welcome" }] });
    last().serverCloses(); // the server went away
    chat.send("one");
    chat.send("/menu", "Show the menu");
    expect(texts(chat, ".msg.user.pending")).toEqual(["You: one", "You: Show the menu"]);
    chat.remove(); // the visitor moves to another page before the server is back

    const next = mount("pizzeria", {}, { open: false });
    expect(texts(next, ".msg.user.pending")).toEqual(["You: one", "You: Show the menu"]);
    const socket = last();
    expect(new URL(socket.url).searchParams.get("conversation_id")).toBe("c1"); // at once, panel closed
    socket.serverOpens();
    expect(frames(socket).map((frame) => frame.text ?? frame.type)).toEqual(["start", "one", "/menu", "ping"]);
    expect(texts(next, ".msg.user.pending")).toEqual([]);
    for (const message of said(socket)) {
      socket.serverSends({ type: "bot_message", conversation_id: "c1", reply_to: message.id, messages: [{ text: "ok" }] });
    }
    next.remove();

    const third = mount("pizzeria", {}, { open: false });
    expect(texts(third, ".msg.user")).toEqual(["You: one", "You: Show the menu"]);
    expect(last()).toBe(socket); // nothing left to send: no connection until the visitor opens it
  });

  it("keeps working when the page moves it", async () => {
    const chat = mount();
    last().serverOpens();
    const box = document.createElement("div");
    document.body.append(box);
    box.append(chat); // out of the page and back in at once
    await Promise.resolve();
    expect(root(chat).querySelectorAll(".panel")).toHaveLength(1);
    expect(FakeSocket.all).toHaveLength(1);
    chat.send("hello");
    expect(said(last()).at(-1)).toMatchObject({ text: "hello" });
  });

  it("closes its connection when removed, and opens another when put back", async () => {
    const chat = mount();
    last().serverOpens();
    chat.remove();
    await Promise.resolve();
    expect(last().readyState).toBe(FakeSocket.CLOSED);
    document.body.append(chat);
    expect(FakeSocket.all).toHaveLength(2);
    expect(root(chat).querySelectorAll(".panel")).toHaveLength(1);
  });

  it("shows a refusal once, in plain words, and does not keep retrying it", () => {
    vi.useFakeTimers();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const chat = mount("nosuchbot");
      for (let i = 0; i < 3; i++) {
        last().serverOpens();
        last().serverSends({ type: "error", code: "not_found", message: "no bot named 'nosuchbot'" });
        last().serverCloses(4404);
        vi.advanceTimersByTime(60_000);
        dispatchEvent(new Event("online")); // the browser back online: one more try
      }
      expect(FakeSocket.all).toHaveLength(4);
      expect(texts(chat, ".msg.note")).toEqual(["This chat is not available right now."]);
      expect(warn).toHaveBeenCalledWith("<parley-chat>: not_found: no bot named 'nosuchbot'"); // for the site's developer
    } finally {
      warn.mockRestore();
      vi.useRealTimers();
    }
  });

  it("marks a refused message as not sent, in plain words, and gives its text back", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const chat = mount();
      last().serverOpens();
      last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "welcome" }] });
      chat.send("first");
      chat.send("second");
      const input = root(chat).querySelector("input")!;
      const [first, second] = said(last());
      // The gateway refuses "second" as it reads it, while "first" is still being answered.
      last().serverSends({ type: "error", code: "rate_limited", message: "slow down: too many messages on this connection", reply_to: second!.id });
      last().serverSends({ type: "bot_message", conversation_id: "c1", reply_to: first!.id, messages: [{ text: "answer to first" }] });
      expect(texts(chat, ".msg.user.failed")).toEqual(["You: second"]);
      expect(texts(chat, ".failure")).toEqual(["Not sent: too many messages at once. Wait a moment and send it again. Send again"]);
      expect(input.value).toBe("second");
      expect(texts(chat, ".log")[0]).not.toContain("slow down");

      input.value = "";
      chat.send("x".repeat(30));
      const long = said(last()).at(-1)!;
      last().serverSends({ type: "error", code: "text_too_long", message: "`text` is limited to 20 characters", reply_to: long.id });
      expect(texts(chat, ".failure").at(-1)).toBe("Not sent: this message is too long. Shorten it and send it again.");
      expect(input.value).toBe("x".repeat(30));

      root(chat).querySelector<HTMLButtonElement>(".failure button")!.click();
      expect(said(last()).at(-1)).toMatchObject({ type: "user_message", text: "second" });
      expect(texts(chat, ".msg.user")).toEqual(["You: first", "You: second", `You: ${"x".repeat(30)}`, "You: second"]);
      expect(root(chat).querySelectorAll(".failure button")).toHaveLength(0); // sent again once
      chat.remove();
      expect(texts(mount(), ".msg.user.failed")).toEqual(["You: second", `You: ${"x".repeat(30)}`]); // kept on the next page
    } finally {
      warn.mockRestore();
    }
  });

  it("pins a refusal that names no message on none, so an answered message is never marked not sent", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const chat = mount();
      last().serverOpens();
      last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "welcome" }] });
      chat.send("one");
      chat.send("two");
      const [one, two] = said(last());
      // Refusals of frames the gateway could not read (or of a ping): they name no message.
      last().serverSends({ type: "error", code: "rate_limited", message: "slow down: too many messages on this connection" });
      last().serverSends({ type: "error", code: "frame_too_large", message: "this frame is 779 bytes; frames are limited to 600 bytes" });
      last().serverSends({ type: "error", code: "timeout", message: "no answer in time" });
      expect(texts(chat, ".msg.user.failed")).toEqual([]);
      for (const message of [one, two]) {
        last().serverSends({ type: "bot_message", conversation_id: "c1", reply_to: message!.id, messages: [{ text: "ok" }] });
      }
      expect(texts(chat, ".msg.user.failed, .msg.user.pending")).toEqual([]);
      expect(root(chat).querySelectorAll(".failure")).toHaveLength(0);
      expect(root(chat).querySelector("input")!.value).toBe("");
      expect(warn).toHaveBeenCalledWith("<parley-chat>: rate_limited: slow down: too many messages on this connection"); // for the developer
    } finally {
      warn.mockRestore();
    }
  });

  it("says the chat is not available once however often the visitor sends, and marks each message not sent", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const chat = mount("locked");
      const refuse = (): void => {
        last().serverOpens();
        last().serverSends({ type: "error", code: "unauthorized", message: "bot 'locked' needs an API key to chat" });
        last().serverCloses(4401);
      };
      refuse();
      for (const text of ["hi", "hello?"]) {
        chat.send(text);
        refuse();
      }
      const log = [...root(chat).querySelectorAll(".msg, .failure")].map((node) => node.textContent);
      expect(log).toEqual(["This chat is not available right now.", "You: hi", "Not sent.", "You: hello?", "Not sent."]);
      expect(said(last())).toMatchObject([{ text: "hello?" }]); // the failed "hi" is not sent again
    } finally {
      warn.mockRestore();
    }
  });

  it("keeps what the visitor types in the input, with a note, once too many messages wait for the connection", () => {
    const chat = mount();
    last().serverOpens();
    last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "welcome" }] });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    chat.send("early");
    last().serverSends({ type: "error", code: "timeout", message: "no answer in time", reply_to: said(last())[0]!.id });
    warn.mockRestore();
    last().serverCloses(); // the server went away
    const input = root(chat).querySelector("input")!;
    const type = (text: string): void => {
      input.value = text;
      root(chat).querySelector("form")!.dispatchEvent(new Event("submit", { cancelable: true }));
    };
    for (let i = 1; i <= 22; i++) type(`hello ${i}`);
    const taken = Array.from({ length: 20 }, (_, i) => `You: hello ${i + 1}`);
    expect(texts(chat, ".msg.user.pending")).toEqual(taken); // none dropped, none shown twice
    expect(texts(chat, ".msg.note")).toEqual(["Too many messages are waiting to be sent. Wait for the connection, then send this one."]);
    expect(input.value).toBe("hello 22");
    root(chat).querySelector<HTMLButtonElement>(".failure button")!.click(); // "early", sent again: refused too
    expect(root(chat).querySelectorAll(".failure button")).toHaveLength(1); // to be sent once there is room
    expect(texts(chat, ".msg.note")).toHaveLength(1);

    last().serverOpens();
    expect(said(last()).map((frame) => frame.text)).toEqual(taken.map((text) => text.slice(5)));
  });

  it("marks a message left waiting by an earlier page not sent when as many wait before it as a connection sends", () => {
    const items = Array.from({ length: 21 }, (_, i) => ({ from: "user", text: `hello ${i + 1}`, id: `m${i + 1}`, pending: true }));
    sessionStorage.setItem("parley-chat:http://chat.test:pizzeria", JSON.stringify({ conversationId: "c1", items, quickReplies: [] }));
    const chat = mount("pizzeria", {}, { open: false });
    expect(texts(chat, ".msg.user.failed")).toEqual(["You: hello 21"]);
    expect(texts(chat, ".failure")).toEqual(["Not sent: too many messages were waiting. Please send it again. Send again"]);
    last().serverOpens();
    expect(said(last()).map((frame) => frame.id)).toEqual(items.slice(0, 20).map((item) => item.id));
  });

  it("sends a message whose answer the connection lost again, under its id, until it is answered", () => {
    vi.useFakeTimers();
    try {
      const chat = mount();
      last().serverOpens();
      last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "welcome" }] });
      chat.send("menu please");
      const [sent] = said(last());
      vi.advanceTimersByTime(10_000); // no pong: the socket is dead though the browser has not noticed
      expect(last().readyState).toBe(FakeSocket.CLOSED);
      expect(texts(chat, ".msg.user.pending")).toEqual(["You: menu please"]); // going again
      vi.advanceTimersByTime(500);
      last().serverOpens();
      const [again] = said(last());
      expect(again).toEqual(sent); // the gateway answers the copy with the reply it kept
      last().serverSends({ type: "bot_message", conversation_id: "c1", reply_to: sent!.id, messages: [{ text: "the menu" }] });
      expect(texts(chat, ".msg.user.pending, .msg.user.failed")).toEqual([]);
      last().serverCloses();
      vi.advanceTimersByTime(1000);
      last().serverOpens();
      expect(said(last())).toEqual([]); // answered: never sent again
    } finally {
      vi.useRealTimers();
    }
  });

  it("marks a message unanswered on three connections as lost, so the visitor does not wait forever", () => {
    vi.useFakeTimers();
    try {
      const chat = mount();
      last().serverOpens();
      chat.send("menu please");
      for (let tries = 1; tries <= 3; tries++) {
        expect(texts(chat, ".msg.user.failed")).toEqual([]);
        last().serverCloses();
        vi.advanceTimersByTime(60_000);
        last().serverOpens();
      }
      expect(said(last())).toEqual([]);
      expect(texts(chat, ".msg.user.failed")).toEqual(["You: menu please"]);
      expect(texts(chat, ".failure")).toEqual(["No answer: the connection was lost. Please send it again. Send again"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("sends a message still unanswered when the visitor moved on again from the next page, under its id", () => {
    const chat = mount();
    last().serverOpens();
    chat.send("menu please");
    const [sent] = said(last());
    chat.remove(); // a link followed before the answer came

    mount("pizzeria", {}, { open: false });
    last().serverOpens();
    expect(said(last())).toEqual([sent]);
  });

  it("does not send again a message that has waited for its answer longer than the gateway keeps it", () => {
    const now = vi.spyOn(Date, "now");
    try {
      now.mockReturnValue(1_000_000);
      const chat = mount();
      last().serverOpens();
      chat.send("menu please");
      chat.remove();
      now.mockReturnValue(1_000_000 + 10 * 60_000);
      const later = mount("pizzeria", {}, { open: false });
      expect(FakeSocket.all).toHaveLength(1);
      expect(texts(later, ".msg.user.failed")).toEqual(["You: menu please"]);
    } finally {
      now.mockRestore();
    }
  });

  it("takes the visitor back to the input after a suggested reply", () => {
    const chat = mount();
    last().serverOpens();
    const choices = ["small", "large"].map((size) => ({ title: size, payload: size }));
    last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "What size?", buttons: choices }] });
    const small = root(chat).querySelector<HTMLButtonElement>(".quick button")!;
    small.focus();
    small.click();
    expect(root(chat).activeElement).toBe(root(chat).querySelector("input"));
  });

  it("reads refusals without Array.prototype.at, which Safari before 15.4 lacks", () => {
    const at = Array.prototype.at;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    // @ts-expect-error: as on an old browser
    delete Array.prototype.at;
    try {
      const chat = mount();
      last().serverOpens();
      last().serverSends({ type: "error", code: "unauthorized", message: "bot 'locked' needs an API key to chat" });
      expect(texts(chat, ".msg.note")).toEqual(["This chat is not available right now."]);
    } finally {
      Array.prototype.at = at;
      warn.mockRestore();
    }
  });

  it("starts the conversation with its context attribute, and a new one holds from then on", () => {
    const chat = mount("pizzeria", { context: '{"username": "Ann"}' });
    last().serverOpens();
    expect(frames(last())[0]).toMatchObject({ type: "start", context: { username: "Ann" } });
    chat.setAttribute("context", '{"username": "Bo"}');
    chat.send("hi");
    expect(said(last()).at(-1)).toMatchObject({ type: "user_message", context: { username: "Bo" } });
  });

  it("ignores a context attribute that is not a JSON object, with a warning", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      mount("pizzeria", { context: "username=Ann" });
      last().serverOpens();
      expect(frames(last())[0]).toMatchObject({ type: "start", context: {} });
      expect(warn).toHaveBeenCalledOnce();
    } finally {
      warn.mockRestore();
    }
  });

  it("never shows an empty button", () => {
    const chat = mount();
    last().serverOpens();
    const buttons = [
      { title: "", payload: "" },
      { title: " ", payload: " " },
      { title: "Menu", payload: "/menu" },
    ];
    last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "Pick one", buttons }] });
    expect(texts(chat, "button:not(.launcher):not(.close):not(.send)")).toEqual(["Menu"]);
  });

  it("keeps the quick replies waiting for an answer across a reload", () => {
    const chat = mount();
    last().serverOpens();
    const choices = ["small", "large"].map((size) => ({ title: size, payload: size }));
    last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "What size?", buttons: choices }] });
    expect(texts(chat, ".quick button")).toEqual(["small", "large"]);
    chat.remove();

    const again = mount(); // the next page of the site
    expect(texts(again, ".quick button")).toEqual(["small", "large"]);
    again.send("small");
    expect(texts(again, ".quick button")).toEqual([]);
    again.remove();
    expect(texts(mount(), ".quick button")).toEqual([]);
  });

  describe("in two tabs of the site", () => {
    const KEY = "parley-chat:http://chat.test:pizzeria";
    /** What another tab writes, and the `storage` event the browser gives this one. */
    const otherTabSaves = (conversation: object): void => {
      const value = JSON.stringify({ quickReplies: [], savedAt: Date.now(), ...conversation });
      localStorage.setItem(KEY, value);
      window.dispatchEvent(new StorageEvent("storage", { key: KEY, newValue: value }));
    };

    it("shows what another tab sent and was answered, live", () => {
      const chat = mount();
      last().serverOpens();
      last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "welcome" }] });
      otherTabSaves({
        conversationId: "c1",
        items: [
          { from: "bot", text: "welcome" },
          { from: "user", text: "menu please", id: "m1", tab: "other" },
          { from: "bot", text: "the menu" },
        ],
        quickReplies: [{ title: "large", payload: "large" }],
      });
      expect(texts(chat, ".msg")).toEqual(["Bot: welcome", "You: menu please", "Bot: the menu"]);
      expect(texts(chat, ".quick button")).toEqual(["large"]);
      expect(FakeSocket.all).toHaveLength(1); // the same conversation: no new connection
    });

    it("never sends a message another tab is waiting on, nor takes its answer", () => {
      otherTabSaves({
        conversationId: "c1",
        items: [{ from: "user", text: "menu please", id: "m1", tab: "other", unanswered: true, at: Date.now() }],
      });
      const chat = mount();
      last().serverOpens();
      expect(said(last())).toEqual([]);
      chat.send("hours?");
      last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "11 to 23" }] }); // names no message
      expect(texts(chat, ".msg.user.pending")).toEqual([]);
      const stored = JSON.parse(localStorage.getItem(KEY)!) as { items: { text: string; unanswered?: boolean }[] };
      expect(stored.items.filter((item) => item.unanswered).map((item) => item.text)).toEqual(["menu please"]);
    });

    it("marks a message a closed tab never sent as not sent, once it has waited as long as an answer may", () => {
      const typed = Date.now() - 3 * 60_000;
      otherTabSaves({
        conversationId: "c1",
        items: [
          { from: "user", text: "hours?", id: "m1", tab: "gone", pending: true, at: typed },
          { from: "user", text: "menu?", id: "m2", tab: "alive", pending: true, at: Date.now() },
        ],
      });
      const chat = mount("pizzeria", {}, { open: false });
      expect(texts(chat, ".msg.user.failed")).toEqual(["You: hours?"]);
      expect(texts(chat, ".failure")).toEqual(["Not sent: the tab it was typed in was closed. Please send it again. Send again"]);
      expect(FakeSocket.all).toHaveLength(0); // neither is this tab's to send
      expect(root(chat).querySelector<HTMLInputElement>("#message")!.value).toBe(""); // not typed here
    });

    it("shows an answer once when a duplicated tab sent the same message again", () => {
      const chat = mount();
      last().serverOpens();
      last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "welcome" }] });
      last().serverSends({ type: "pong" }); // the welcome is over
      chat.send("menu please");
      const [sent] = said(last());
      const answer = { type: "bot_message", conversation_id: "c1", reply_to: sent!.id, messages: [{ text: "the menu" }] };
      last().serverSends(answer);
      last().serverSends(answer); // the kept reply, to the copy
      expect(texts(chat, ".msg.bot")).toEqual(["Bot: welcome", "Bot: the menu"]);
    });

    it("follows the conversation another tab moved to", () => {
      const chat = mount();
      last().serverOpens();
      last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "welcome" }] });
      otherTabSaves({ conversationId: "c2", items: [{ from: "bot", text: "hello from c2" }] });
      expect(texts(chat, ".msg")).toEqual(["Bot: hello from c2"]);
      expect(FakeSocket.all).toHaveLength(2);
      expect(new URL(last().url).searchParams.get("conversation_id")).toBe("c2");
    });

    it("ignores another site's conversation and a cleared storage", () => {
      const chat = mount();
      last().serverOpens();
      last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "welcome" }] });
      window.dispatchEvent(new StorageEvent("storage", { key: "parley-chat:http://chat.test:other", newValue: "{}" }));
      window.dispatchEvent(new StorageEvent("storage", { key: null, newValue: null }));
      expect(texts(chat, ".msg")).toEqual(["Bot: welcome"]);
    });
  });
  describe("a duplicated tab", () => {
    beforeEach(() => {
      FakeChannel.reset();
      vi.stubGlobal("BroadcastChannel", FakeChannel);
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    /** The original tab's page, connected, with "menu please" sent and not answered yet. */
    const originalWaiting = () => {
      const original = mount();
      vi.advanceTimersByTime(CLAIM_WAIT_MS); // its id is its own: nobody else holds it
      const socket = last();
      socket.serverOpens();
      socket.serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "welcome" }] });
      original.send("menu please");
      return { original, socket, sent: said(socket)[0]! };
    };

    it("takes a new tab id, so it neither sends its original's messages nor takes their answers", () => {
      const { original, socket, sent } = originalWaiting();
      // Its sessionStorage is a copy of the original's (one sessionStorage here): the same tab id.
      const duplicate = mount();
      FakeChannel.deliver();
      vi.advanceTimersByTime(CLAIM_WAIT_MS);
      expect(FakeSocket.all).toHaveLength(2);
      last().serverOpens();
      expect(said(last())).toEqual([]); // "menu please" is the original's to send
      duplicate.send("hours?");
      const [asked] = said(last());
      const stored = JSON.parse(localStorage.getItem("parley-chat:http://chat.test:pizzeria")!) as { items: { id?: string; tab?: string }[] };
      const tabOf = (id: unknown) => stored.items.find((item) => item.id === id)?.tab;
      expect(tabOf(asked!.id)).not.toBe(tabOf(sent.id));
      socket.serverSends({ type: "bot_message", conversation_id: "c1", reply_to: sent.id, messages: [{ text: "the menu" }] });
      expect(texts(original, ".msg.bot")).toEqual(["Bot: welcome", "Bot: the menu"]);
    });

    it("connects only once its id is known to be its own", () => {
      originalWaiting();
      mount();
      expect(FakeSocket.all).toHaveLength(1); // the panel is open, but the claim is not settled
      FakeChannel.deliver();
      vi.advanceTimersByTime(CLAIM_WAIT_MS);
      expect(FakeSocket.all).toHaveLength(2);
    });

    it("is not what the tab's next page is: that one keeps the id and sends what the page before left", async () => {
      const { original, sent } = originalWaiting();
      original.remove(); // a link followed before the answer came: that page is gone
      await Promise.resolve();
      mount("pizzeria", {}, { open: false });
      FakeChannel.deliver();
      vi.advanceTimersByTime(CLAIM_WAIT_MS);
      last().serverOpens();
      expect(said(last())).toEqual([sent]);
    });
  });
});
