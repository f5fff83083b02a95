import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeChannel } from "./fake-channel";
import { CLAIM_WAIT_MS, TabClaim } from "./tab-claim";

const pages: TabClaim[] = [];

/** What a browser gives a page entering or leaving the back-forward cache (happy-dom's lacks `persisted`). */
const cacheEvent = (type: "pagehide" | "pageshow"): Event => Object.assign(new Event(type), { persisted: true });

/** A page holding tab id `tab`, loaded at `since`; `renewed` says whether it gave the id up. */
function page(tab: string, since: number, open: (name: string) => FakeChannel | null = (name) => new FakeChannel(name)) {
  const held = { tab, renewed: false, settled: false };
  const claim = new TabClaim("parley-chat-tabs:site", {
    tab: () => held.tab,
    renew: () => {
      held.tab = `${tab}-new`;
      held.renewed = true;
    },
    open,
    since,
    page: `page-${since}`,
  });
  pages.push(claim);
  return { held, claim };
}

afterEach(() => {
  for (const claim of pages.splice(0)) claim.stop();
  FakeChannel.reset();
  vi.useRealTimers();
});

describe("TabClaim", () => {
  it("gives a duplicated tab a new id, and lets its original keep its own", () => {
    vi.useFakeTimers();
    const original = page("t1", 1000);
    original.claim.start(true);
    FakeChannel.deliver();
    vi.advanceTimersByTime(CLAIM_WAIT_MS);
    const duplicate = page("t1", 2000); // sessionStorage copied: the same id
    duplicate.claim.start(true);
    duplicate.claim.settled(() => (duplicate.held.settled = true));
    FakeChannel.deliver();
    expect(duplicate.held).toEqual({ tab: "t1-new", renewed: true, settled: false });
    vi.advanceTimersByTime(CLAIM_WAIT_MS);
    expect(duplicate.held.settled).toBe(true);
    expect(original.held).toMatchObject({ tab: "t1", renewed: false });
  });

  it("keeps the id a tab's earlier page left, when no live page holds it", () => {
    vi.useFakeTimers();
    const earlier = page("t1", 1000);
    earlier.claim.start(false);
    earlier.claim.stop(); // the tab moved on to the next page
    const next = page("t1", 2000);
    next.claim.start(true);
    next.claim.settled(() => (next.held.settled = true));
    FakeChannel.deliver();
    expect(next.held.settled).toBe(false); // waits for an answer first
    vi.advanceTimersByTime(CLAIM_WAIT_MS);
    expect(next.held).toEqual({ tab: "t1", renewed: false, settled: true });
  });

  it("ignores pages holding other ids", () => {
    const one = page("t1", 1000);
    one.claim.start(false);
    const other = page("t2", 2000);
    other.claim.start(true);
    FakeChannel.deliver();
    expect([one.held.renewed, other.held.renewed]).toEqual([false, false]);
  });

  it("settles at once for an id the page made itself, or where the browser has no BroadcastChannel", () => {
    const fresh = page("t1", 1000);
    fresh.claim.start(false);
    fresh.claim.settled(() => (fresh.held.settled = true));
    expect(fresh.held.settled).toBe(true);
    const without = page("t2", 1000, () => null);
    without.claim.start(true);
    without.claim.settled(() => (without.held.settled = true));
    expect(without.held.settled).toBe(true);
  });

  it("gives the id up, whoever claimed it, to the page loaded first", () => {
    const older = page("t1", 1000);
    const younger = page("t1", 2000);
    younger.claim.start(true);
    older.claim.start(true); // both claim at once: a session restored with a duplicated tab
    FakeChannel.deliver();
    expect([older.held.renewed, younger.held.renewed]).toEqual([false, true]);
  });

  it("does not answer while the page is in the back-forward cache, and answers again once shown", () => {
    const cached = page("t1", 1000);
    cached.claim.start(false);
    window.dispatchEvent(cacheEvent("pagehide"));
    const next = page("t1", 2000); // the same tab's next page
    next.claim.start(true);
    FakeChannel.deliver();
    expect(next.held.renewed).toBe(false);
    next.claim.stop(); // back: the next page goes into the cache, the first comes out
    window.dispatchEvent(cacheEvent("pageshow"));
    const duplicate = page("t1", 3000);
    duplicate.claim.start(true);
    FakeChannel.deliver();
    expect([cached.held.renewed, duplicate.held.renewed]).toEqual([false, true]);
  });
});
