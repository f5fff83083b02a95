// A connection's user messages until each is answered: those waiting for the connection (typed
// while it was down), and those sent and not answered yet, which go again, with the same id, on the
// next connection: their answer may have gone to a socket that died. The gateway answers such a copy
// with the reply it kept for the first (services/gateway/src/parley_gateway/replays.py), so the bot
// never answers one message twice.

export interface Outgoing {
  /** The message's id: its answer says it as `reply_to`. */
  id: string;
  /** The `user_message` frame, as sent. */
  frame: string;
  /** How many times it has been sent. */
  tries: number;
}

export class Outbox {
  private queued: Outgoing[] = [];
  private readonly unanswered = new Map<string, Outgoing>();

  constructor(
    private readonly maxQueued: number,
    private readonly maxTries: number,
  ) {}

  /** Whether some message still waits to be sent or answered. */
  get busy(): boolean {
    return this.queued.length > 0 || this.unanswered.size > 0;
  }

  /**
   * Wait for the connection, unless `maxQueued` messages already wait to be sent or answered (the
   * next connection sends them all at once, and the gateway takes a burst of that many): then
   * false, and the caller tells the user. One taken is never dropped: the user sees it as waiting.
   */
  queue(outgoing: Outgoing): boolean {
    if (this.queued.length + this.unanswered.size >= this.maxQueued) return false;
    this.queued.push(outgoing);
    return true;
  }

  sent(outgoing: Outgoing): void {
    outgoing.tries += 1;
    this.unanswered.set(outgoing.id, outgoing);
  }

  /** Answered (or refused): never sent again. */
  settled(id: string): void {
    this.unanswered.delete(id);
    this.queued = this.queued.filter((outgoing) => outgoing.id !== id);
  }

  /**
   * What a new connection sends, in order: the messages sent before and not answered (each at most
   * `maxTries` times in all), then those queued. `givenUp`: the ids tried that often, now dropped.
   */
  takeForNewConnection(): { send: Outgoing[]; givenUp: string[] } {
    const send: Outgoing[] = [];
    const givenUp: string[] = [];
    for (const outgoing of this.unanswered.values()) {
      if (outgoing.tries < this.maxTries) send.push(outgoing);
      else givenUp.push(outgoing.id);
    }
    for (const id of givenUp) this.unanswered.delete(id);
    send.push(...this.queued.splice(0));
    return { send, givenUp };
  }

  clear(): void {
    this.queued = [];
    this.unanswered.clear();
  }
}

/** A fresh message id (the gateway takes 1-64 letters, digits, `_` and `-`). */
export function newMessageId(): string {
  const bytes = new Uint8Array(12);
  if (globalThis.crypto?.getRandomValues) globalThis.crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
