/**
 * A BroadcastChannel double for unit tests: a message reaches the other open channels of its name
 * when the test delivers what was posted (a browser delivers it a moment later, never at once).
 */
export class FakeChannel {
  private static open: FakeChannel[] = [];
  private static posted: { from: FakeChannel; data: unknown }[] = [];
  onmessage: ((event: MessageEvent) => void) | null = null;

  constructor(readonly name: string) {
    FakeChannel.open.push(this);
  }

  postMessage(data: unknown): void {
    FakeChannel.posted.push({ from: this, data: structuredClone(data) });
  }

  close(): void {
    FakeChannel.open = FakeChannel.open.filter((channel) => channel !== this);
  }

  /** Deliver what was posted, and what that made the listeners post, until nothing is left. */
  static deliver(): void {
    while (FakeChannel.posted.length) {
      const { from, data } = FakeChannel.posted.shift()!;
      for (const channel of FakeChannel.open.filter((c) => c !== from && c.name === from.name)) {
        channel.onmessage?.(new MessageEvent("message", { data }));
      }
    }
  }

  static reset(): void {
    FakeChannel.open = [];
    FakeChannel.posted = [];
  }
}
