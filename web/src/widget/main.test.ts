import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeSocket } from "../shared/fake-socket";
import * as ParleyChat from "./main";

describe("window.ParleyChat", () => {
  beforeEach(() => {
    FakeSocket.all = [];
    sessionStorage.clear();
    vi.stubGlobal("WebSocket", FakeSocket);
  });
  afterEach(() => {
    document.body.replaceChildren();
    vi.unstubAllGlobals();
  });

  it("opens the panel when the page sends a message, so the visitor sees it and its answer", () => {
    const chat = document.createElement("parley-chat");
    chat.setAttribute("bot", "pizzeria");
    chat.setAttribute("server", "http://chat.test/");
    document.body.append(chat);
    const panel = chat.shadowRoot!.querySelector<HTMLElement>(".panel")!;
    expect(panel.hidden).toBe(true);
    ParleyChat.send("menu please");
    expect(panel.hidden).toBe(false);
    expect(chat.shadowRoot!.querySelector(".msg.user")!.textContent).toBe("You: menu please");
  });
});
