// One chat conversation over `/ws/chat`, kept alive: reconnects with jittered exponential backoff,
// resumes the same conversation (its id goes back in the URL), queues what the user sends while
// disconnected, detects dead connections with ping frames (one right after a user message too, so a
// dead socket is noticed within the pong timeout) and sends unanswered messages again on the next
// connection, under the same id (outbox.ts). Each socket opens with a `start` frame
// carrying the context and time zone, so a new conversation's welcome can greet the user by name.
// Shared by the widget and the console.

import {
  type BotMessageFrame,
  type StartFrame,
  type UserMessageFrame,
  type ErrorFrame,
  CLOSE_BAD_REQUEST,
  CLOSE_KEY_NEEDED,
  CLOSE_KEY_REFUSED,
  CLOSE_UNKNOWN_BOT,
  chatSocketUrl,
  parseServerFrame,
} from "./protocol";
import { Outbox, newMessageId } from "./outbox";

const PING = '{"type":"ping"}';

/**
 * Refusals that retrying will not fix (bad request, key needed or refused, unknown bot): not retried
 * on a timer, only when the user sends something or the browser comes back online.
 */
const REFUSED = new Set([CLOSE_BAD_REQUEST, CLOSE_KEY_NEEDED, CLOSE_KEY_REFUSED, CLOSE_UNKNOWN_BOT]);

export type ConnectionState = "connecting" | "open" | "reconnecting" | "unavailable" | "stopped";

export interface ConnectionOptions {
  server: string;
  bot: string;
  conversationId?: string | null;
  /** A chat key, for bots whose `chat_access` is `key`. */
  key?: string | null;
  /** What the bot's templates see as `context` (`{{ context.username }}`), from the welcome on. */
  context?: Record<string, unknown>;
  /** The user's IANA time zone; by default the browser's own. */
  timezone?: string;
  /** `welcome`: the greeting of a new conversation, not the answer to anything the user sent. */
  onFrame: (frame: BotMessageFrame | ErrorFrame, welcome: boolean) => void;
  onState?: (state: ConnectionState) => void;
  onConversation?: (conversationId: string | null) => void;
  /** A message sent `maxTries` times without an answer: no longer sent again. */
  onGivenUp?: (messageId: string) => void;
  initialDelayMs?: number;
  maxDelayMs?: number;
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  /** How many user messages may wait to be sent or answered while disconnected: 20, the gateway's burst. */
  maxQueued?: number;
  /** How many connections a user message is sent on before it is given up: 3. */
  maxTries?: number;
  socketFactory?: (url: string) => WebSocket;
  random?: () => number;
}

/** Delay before reconnect attempt `attempt` (0-based): doubling, capped, with 50–100 % jitter. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling * (0.5 + random() / 2));
}

export class ChatConnection {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly outbox: Outbox;
  private greeting = false;
  private stopped = true;
  private current: ConnectionState = "stopped";
  private id: string | null;
  private context: Record<string, unknown>;
  private readonly onOnline = (): void => this.retryNow();

  constructor(private readonly options: ConnectionOptions) {
    this.id = options.conversationId ?? null;
    this.context = options.context ?? {};
    this.outbox = new Outbox(options.maxQueued ?? 20, options.maxTries ?? 3);
  }

  /** Replace the context: messages sent from now on carry it, and so does the next connection's start. */
  setContext(context: Record<string, unknown>): void {
    this.context = context;
  }

  get conversationId(): string | null {
    return this.id;
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** Whether messages wait to be sent or answered. */
  get hasQueued(): boolean {
    return this.outbox.busy;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    globalThis.addEventListener?.("online", this.onOnline);
    this.open();
  }

  stop(): void {
    this.stopped = true;
    globalThis.removeEventListener?.("online", this.onOnline);
    clearTimeout(this.retryTimer);
    this.stopHeartbeat();
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, "closed by the client");
    this.setState("stopped");
  }

  /**
   * Continue conversation `id` instead (another tab of the site moved to it): connected, the
   * connection reconnects to it.
   */
  follow(id: string): void {
    if (id === this.id) return;
    this.id = id;
    if (this.stopped) return;
    this.stop();
    this.start();
  }

  /** Start a new conversation: forget the id and reconnect. */
  restart(): void {
    this.stop();
    this.outbox.clear();
    this.setConversation(null);
    this.start();
  }

  /**
   * Send a user message now, or as soon as the connection is back; until it is answered, again on
   * each new connection (at most `maxTries` in all), under its `id`. `full`: not sent, and never
   * will be, as `maxQueued` messages already wait for the connection (the caller tells the user).
   */
  send(text: string, id: string = newMessageId()): "sent" | "queued" | "full" {
    const message: UserMessageFrame = { type: "user_message", text, context: this.context, timezone: this.timezone(), id };
    const outgoing = { id, frame: JSON.stringify(message), tries: 0 };
    const socket = this.socket;
    if (socket?.readyState === WebSocket.OPEN) {
      socket.send(outgoing.frame);
      this.outbox.sent(outgoing);
      this.expectPong(socket);
      return "sent";
    }
    const queued = this.outbox.queue(outgoing);
    this.retryNow(); // the user is waiting: try now rather than at the end of the backoff
    return queued ? "queued" : "full";
  }

  /** Never send message `id` again (the caller has told the user it failed). */
  forget(id: string): void {
    this.outbox.settled(id);
  }

  private open(): void {
    this.setState(this.attempt === 0 ? "connecting" : this.current === "unavailable" ? "unavailable" : "reconnecting");
    const url = chatSocketUrl(this.options.server, this.options.bot, this.id, this.options.key);
    const socket = this.options.socketFactory ? this.options.socketFactory(url) : new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => this.opened(socket);
    socket.onmessage = (event: MessageEvent) => this.received(socket, event.data);
    socket.onclose = (event: CloseEvent) => this.closed(socket, event.code);
  }

  private opened(socket: WebSocket): void {
    if (socket !== this.socket) return;
    this.attempt = 0;
    this.setState("open");
    const start: StartFrame = { type: "start", context: this.context, timezone: this.timezone() };
    socket.send(JSON.stringify(start));
    // A new conversation may start with a welcome. The server sends it once it has read the start
    // frame, before reading the next, so whatever arrives before the answer to this ping is the welcome.
    this.greeting = this.id === null;
    if (this.greeting) socket.send(PING);
    const { send, givenUp } = this.outbox.takeForNewConnection();
    for (const id of givenUp) this.options.onGivenUp?.(id);
    for (const outgoing of send) {
      socket.send(outgoing.frame);
      this.outbox.sent(outgoing);
    }
    if (send.length) this.expectPong(socket);
    this.startHeartbeat(socket);
  }

  private received(socket: WebSocket, data: unknown): void {
    if (socket !== this.socket) return;
    clearTimeout(this.pongTimer);
    this.pongTimer = undefined;
    const frame = parseServerFrame(data);
    if (frame?.type === "pong") this.greeting = false;
    if (frame === null || frame.type === "pong") return;
    if (frame.reply_to !== undefined) this.outbox.settled(frame.reply_to);
    if (frame.type === "bot_message" && frame.conversation_id !== this.id) {
      this.setConversation(frame.conversation_id);
    }
    this.options.onFrame(frame, this.greeting && frame.type === "bot_message");
  }

  private closed(socket: WebSocket, code: number): void {
    if (socket !== this.socket) return;
    this.socket = null;
    this.stopHeartbeat();
    if (this.stopped) return;
    this.attempt += 1;
    if (code === CLOSE_BAD_REQUEST && this.id !== null) {
      this.setConversation(null); // the server refused the id: start afresh rather than give up
    } else if (REFUSED.has(code)) {
      this.setState("unavailable");
      return;
    }
    this.setState("reconnecting");
    const random = this.options.random ?? Math.random;
    const delay = backoffDelay(this.attempt - 1, this.options.initialDelayMs ?? 500, this.options.maxDelayMs ?? 10_000, random);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  private retryNow(): void {
    if (this.stopped || this.socket !== null) return;
    clearTimeout(this.retryTimer);
    this.open();
  }

  private startHeartbeat(socket: WebSocket): void {
    const interval = this.options.pingIntervalMs ?? 25_000;
    this.pingTimer = setInterval(() => this.expectPong(socket), interval);
  }

  /**
   * Ping, unless a ping already waits for its pong. No answer in time: the connection is dead even
   * if the browser has not noticed yet (a hung server, a black-holed network).
   */
  private expectPong(socket: WebSocket): void {
    if (this.pongTimer !== undefined || socket.readyState !== WebSocket.OPEN) return;
    socket.send(PING);
    this.pongTimer = setTimeout(() => this.abandon(socket), this.options.pongTimeoutMs ?? 10_000);
  }

  private abandon(socket: WebSocket): void {
    if (socket !== this.socket) return;
    socket.close(4000, "no pong");
    this.closed(socket, 4000);
  }

  private stopHeartbeat(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    this.pongTimer = undefined;
  }

  private timezone(): string | undefined {
    return trustedTimeZone(this.options.timezone ?? browserTimeZone());
  }

  private setConversation(id: string | null): void {
    this.id = id;
    this.options.onConversation?.(id);
  }

  private setState(state: ConnectionState): void {
    if (state === this.current) return;
    this.current = state;
    this.options.onState?.(state);
  }
}

/** The browser's time zone as it says it; see `trustedTimeZone` before sending it. */
function browserTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/**
 * `zone` if it is a place's IANA name the browser itself can use, else none (the bot then reads dates
 * in UTC). Chromium says `Etc/Unknown` when it cannot map the system's zone (a POSIX `TZ` such as
 * `UTC0`, some containers and kiosks), and newer engines may say an offset (`+03:30`): neither is a
 * name the server lists. (A zone newer than the server's tz database still gets through: the server
 * reads it as UTC.)
 */
export function trustedTimeZone(zone: string | undefined): string | undefined {
  if (!zone || zone === "Etc/Unknown" || !IANA_NAME.test(zone)) return undefined;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}
