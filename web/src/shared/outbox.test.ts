import { describe, expect, it } from "vitest";
import { Outbox, newMessageId } from "./outbox";

const outgoing = (id: string) => ({ id, frame: `{"id":"${id}"}`, tries: 0 });

describe("Outbox", () => {
  it("sends the unanswered first, then the queued, each until answered or tried enough", () => {
    const outbox = new Outbox(20, 2);
    const [a, b, c] = [outgoing("a"), outgoing("b"), outgoing("c")];
    outbox.sent(a);
    outbox.sent(b);
    outbox.queue(c);
    outbox.settled("b");
    const first = outbox.takeForNewConnection();
    expect([first.send.map((o) => o.id), first.givenUp]).toEqual([["a", "c"], []]);
    for (const o of first.send) outbox.sent(o);
    const second = outbox.takeForNewConnection();
    expect([second.send.map((o) => o.id), second.givenUp]).toEqual([["c"], ["a"]]);
    outbox.settled("c");
    expect(outbox.busy).toBe(false);
  });

  it("refuses a message beyond those it may hold, sent or not, and drops none it took", () => {
    const outbox = new Outbox(3, 3);
    outbox.sent(outgoing("a")); // unanswered: it goes again on the next connection too
    expect(["b", "c", "d"].map((id) => outbox.queue(outgoing(id)))).toEqual([true, true, false]);
    expect(outbox.takeForNewConnection().send.map((o) => o.id)).toEqual(["a", "b", "c"]);
  });

  it("makes ids the gateway takes, never the same twice", () => {
    const ids = new Set(Array.from({ length: 100 }, newMessageId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });
});
