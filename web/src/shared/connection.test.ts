import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ChatConnection, backoffDelay, trustedTimeZone } from "./connection";
import type { BotMessageFrame, ErrorFrame } from "./protocol";
import { FakeSocket } from "./fake-socket";

function connect(frames: (BotMessageFrame | ErrorFrame)[] = [], conversationId: string | null = null, welcomes: boolean[] = []) {
  const connection = new ChatConnection({
    server: "http://chat.test/",
    bot: "pizzeria",
    conversationId,
    onFrame: (frame, welcome) => {
      frames.push(frame);
      welcomes.push(welcome);
    },
    socketFactory: (url) => new FakeSocket(url) as unknown as WebSocket,
    random: () => 1,
  });
  connection.start();
  return connection;
}

const last = (): FakeSocket => FakeSocket.all[FakeSocket.all.length - 1]!;
/** The user messages `socket` carried, oldest first (pings and the start frame left out). */
const said = (socket: FakeSocket): Record<string, unknown>[] =>
  socket.sent.map((frame) => JSON.parse(frame)).filter((frame) => frame.type === "user_message");

describe("ChatConnection", () => {
  beforeEach(() => {
    FakeSocket.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it("resumes the conversation the server assigned after a reconnect", () => {
    const connection = connect();
    last().serverOpens();
    last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "hi" }] });
    last().serverCloses();
    vi.advanceTimersByTime(500);
    expect(FakeSocket.all).toHaveLength(2);
    expect(new URL(last().url).searchParams.get("conversation_id")).toBe("c1");
    expect(connection.state).toBe("reconnecting");
    last().serverOpens();
    expect(connection.state).toBe("open");
  });

  it("queues what is sent while disconnected and sends it once reconnected", () => {
    const connection = connect([], "c1");
    expect(connection.send("hello")).toBe("queued");
    last().serverOpens();
    expect(said(last())).toMatchObject([{ type: "user_message", text: "hello" }]);
  });

  it("refuses a message when as many wait as a connection may send at once, and sends the others in order", () => {
    const connection = new ChatConnection({
      server: "http://chat.test/",
      bot: "pizzeria",
      conversationId: "c1",
      maxQueued: 2,
      onFrame: () => {},
      socketFactory: (url) => new FakeSocket(url) as unknown as WebSocket,
    });
    connection.start();
    expect(["one", "two", "three"].map((text) => connection.send(text))).toEqual(["queued", "queued", "full"]);
    last().serverOpens();
    expect(said(last()).map((frame) => frame.text)).toEqual(["one", "two"]);
  });

  it("opens every socket with a start frame carrying the context and time zone", () => {
    const connection = new ChatConnection({
      server: "http://chat.test/",
      bot: "pizzeria",
      context: { username: "Ann" },
      timezone: "Europe/Paris",
      onFrame: () => {},
      socketFactory: (url) => new FakeSocket(url) as unknown as WebSocket,
      random: () => 1,
    });
    connection.start();
    expect(new URL(last().url).searchParams.get("start")).toBe("true");
    last().serverOpens();
    expect(JSON.parse(last().sent[0]!)).toEqual({ type: "start", context: { username: "Ann" }, timezone: "Europe/Paris" });
    connection.setContext({ username: "Bo" });
    connection.send("hi");
    expect(said(last()).at(-1)).toMatchObject({ type: "user_message", context: { username: "Bo" } });
    last().serverCloses();
    vi.advanceTimersByTime(500);
    last().serverOpens();
    expect(JSON.parse(last().sent[0]!)).toMatchObject({ type: "start", context: { username: "Bo" } });
  });

  it("says the browser's time zone with each message", () => {
    const connection = connect([], "c1");
    last().serverOpens();
    connection.send("what about tomorrow");
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(said(last()).at(-1)).toMatchObject({ timezone: zone });
  });

  it("says no time zone when the browser cannot name a real one, so the bot reads dates in UTC", () => {
    // Chromium under TZ=UTC0 says Etc/Unknown; the server knows no such zone. (Fake timers fake Intl.)
    vi.useRealTimers();
    const zone = vi.spyOn(Intl.DateTimeFormat.prototype, "resolvedOptions").mockReturnValue({
      ...new Intl.DateTimeFormat().resolvedOptions(),
      timeZone: "Etc/Unknown",
    });
    try {
      const connection = connect([], "c1");
      last().serverOpens();
      connection.send("what about tomorrow");
      const sent = last().sent.map((frame) => JSON.parse(frame));
      expect(sent.map((frame) => frame.type)).toEqual(["start", "user_message", "ping"]);
      expect(sent.filter((frame) => "timezone" in frame)).toEqual([]);
    } finally {
      zone.mockRestore();
    }
  });

  it("trusts only IANA names the browser can use", () => {
    expect(["Europe/Paris", "UTC", "Asia/Calcutta", "Etc/GMT+5", "America/Argentina/Buenos_Aires"].map(trustedTimeZone)).toEqual([
      "Europe/Paris",
      "UTC",
      "Asia/Calcutta",
      "Etc/GMT+5",
      "America/Argentina/Buenos_Aires",
    ]);
    for (const zone of ["Etc/Unknown", "Nowhere/Land", "+03:30", "", "../etc/passwd", undefined]) {
      expect(trustedTimeZone(zone)).toBeUndefined();
    }
  });

  it("tells the welcome of a new conversation from the answers", () => {
    const welcomes: boolean[] = [];
    const connection = connect([], null, welcomes);
    connection.send("hello");
    last().serverOpens();
    expect(last().sent.map((f) => JSON.parse(f).type)).toEqual(["start", "ping", "user_message", "ping"]);
    last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "welcome" }] });
    last().serverSends({ type: "pong" });
    last().serverSends({ type: "bot_message", conversation_id: "c1", messages: [{ text: "answer" }] });
    expect(welcomes).toEqual([true, false]);
  });

  it("backs off exponentially up to a ceiling", () => {
    expect([0, 1, 2, 10].map((n) => backoffDelay(n, 500, 15_000, () => 1))).toEqual([500, 1000, 2000, 15_000]);
    expect(backoffDelay(0, 500, 15_000, () => 0)).toBe(250);
  });

  it("starts afresh when the server refuses the conversation id", () => {
    connect([], "bad id");
    last().serverCloses(4400);
    vi.advanceTimersByTime(500);
    expect(new URL(last().url).searchParams.has("conversation_id")).toBe(false);
  });

  it("does not retry a refused connection until the user sends something", () => {
    for (const [code, conversationId] of [[4404, "c1"], [4401, null], [4400, null]] as const) {
      FakeSocket.all = [];
      const connection = connect([], conversationId);
      last().serverCloses(code);
      vi.advanceTimersByTime(60_000);
      expect(FakeSocket.all).toHaveLength(1);
      expect(connection.state).toBe("unavailable");
      expect(connection.send("hello")).toBe("queued");
      expect(FakeSocket.all).toHaveLength(2);
      last().serverOpens();
      expect(said(last()).at(-1)).toMatchObject({ text: "hello" });
      connection.stop();
    }
  });

  it("abandons a connection that stops answering pings", () => {
    const connection = connect();
    last().serverOpens();
    vi.advanceTimersByTime(25_000);
    expect(last().sent).toContain('{"type":"ping"}');
    vi.advanceTimersByTime(10_000);
    expect(connection.state).toBe("reconnecting");
  });

  it("stops reconnecting once stopped", () => {
    const connection = connect();
    last().serverOpens();
    connection.stop();
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });
});
