import { describe, expect, it } from "vitest";
import { History, JOIN_WITHIN_MS, type Saved } from "./history";

/** A Storage of its own, as each tab has its own sessionStorage. */
class MemoryStorage implements Storage {
  private readonly values = new Map<string, string>();
  get length(): number {
    return this.values.size;
  }
  clear(): void {
    this.values.clear();
  }
  getItem(key: string): string | null {
    return this.values.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.values.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.values.delete(key);
  }
  setItem(key: string, value: string): void {
    this.values.set(key, value);
  }
}

const KEY = "parley-chat:http://chat.test:pizzeria";
const conversation = (id: string | null, text = "hello"): Saved => ({
  conversationId: id,
  items: [{ from: "user", text }],
  quickReplies: [],
  open: true,
});

describe("History", () => {
  it("shows a tab the conversation another tab of the site saved, but not its panel's state", () => {
    const site = new MemoryStorage();
    new History(KEY, site, new MemoryStorage()).save(conversation("c1"), 1000);
    const other = new History(KEY, site, new MemoryStorage()).load(1000 + JOIN_WITHIN_MS);
    expect(other.conversationId).toBe("c1");
    expect(other.items.map((item) => item.text)).toEqual(["hello"]);
    expect(other.open).toBeUndefined();
  });

  it("starts a new tab afresh when the site's conversation has been idle longer than a session", () => {
    const site = new MemoryStorage();
    new History(KEY, site, new MemoryStorage()).save(conversation("c1"), 1000);
    const other = new History(KEY, site, new MemoryStorage()).load(1001 + JOIN_WITHIN_MS);
    expect(other).toEqual({ conversationId: null, items: [], quickReplies: [], open: undefined });
    expect(site.getItem(KEY)).toBeNull(); // not kept on the device either
  });

  it("keeps a tab's own conversation however long it stayed idle", () => {
    const site = new MemoryStorage();
    const tab = new MemoryStorage();
    new History(KEY, site, tab).save(conversation("c1"), 1000);
    const again = new History(KEY, site, tab).load(1000 + 10 * JOIN_WITHIN_MS);
    expect(again.conversationId).toBe("c1");
    expect(again.open).toBe(true);
  });

  it("keeps a tab's id across its pages, and gives each tab its own", () => {
    const site = new MemoryStorage();
    const tab = new MemoryStorage();
    const first = new History(KEY, site, tab);
    first.save(conversation("c1"));
    expect(new History(KEY, site, tab).tab).toBe(first.tab);
    expect(new History(KEY, site, new MemoryStorage()).tab).not.toBe(first.tab);
  });

  it("says whether the tab's id came from its sessionStorage, and keeps a new one it takes", () => {
    const tab = new MemoryStorage();
    const first = new History(KEY, new MemoryStorage(), tab);
    expect(first.inherited).toBe(false);
    first.save(conversation("c1"));
    const next = new History(KEY, new MemoryStorage(), tab);
    expect([next.inherited, next.tab]).toEqual([true, first.tab]);
    next.renewTab(); // a duplicated tab: its original holds that id
    expect(next.tab).not.toBe(first.tab);
    expect(new History(KEY, new MemoryStorage(), tab).tab).toBe(next.tab);
    expect(next.load().open).toBe(true); // the rest of the tab's record stays
  });

  it("leaves the site's conversation alone while a tab has none of its own", () => {
    const site = new MemoryStorage();
    new History(KEY, site, new MemoryStorage()).save(conversation("c1"), 1000);
    new History(KEY, site, new MemoryStorage()).save({ conversationId: null, items: [], quickReplies: [], open: false }, 2000);
    expect(new History(KEY, site, new MemoryStorage()).current().conversationId).toBe("c1");
  });

  it("keeps the transcript a tab remembered itself before tabs shared it", () => {
    const tab = new MemoryStorage();
    tab.setItem(KEY, JSON.stringify({ conversationId: "old", items: [{ from: "bot", text: "hi" }], quickReplies: [], open: true }));
    const saved = new History(KEY, new MemoryStorage(), tab).load();
    expect(saved.conversationId).toBe("old");
    expect(saved.items.map((item) => item.text)).toEqual(["hi"]);
  });

  it("reads unreadable storage as no conversation", () => {
    const site = new MemoryStorage();
    site.setItem(KEY, "[not json");
    const tab = new MemoryStorage();
    tab.setItem(KEY, "42");
    expect(new History(KEY, site, tab).load()).toEqual({ conversationId: null, items: [], quickReplies: [], open: undefined });
  });
});
