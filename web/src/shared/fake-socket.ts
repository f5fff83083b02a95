/** A WebSocket double for unit tests: records what is sent and lets the test play the server. */
export class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 3;
  /** Every socket opened since the test last emptied it, oldest first. */
  static all: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  sent: string[] = [];
  /** Answer each ping with a pong, as a live server does (on the next timer tick). */
  answersPings = false;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string): void {
    this.sent.push(data);
    if (this.answersPings && JSON.parse(data).type === "ping") setTimeout(() => this.serverSends({ type: "pong" }), 0);
  }
  close(): void {
    this.readyState = FakeSocket.CLOSED;
  }
  serverOpens(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  serverSends(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  serverCloses(code = 1006): void {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code });
  }
}
