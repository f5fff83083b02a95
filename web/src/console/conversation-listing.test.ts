import { h, render } from "preact";
import { act } from "preact/test-utils";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ANY_CONVERSATION,
  type ConversationFilters,
  type Listing,
  joinPage,
  listingQuery,
  localDayStart,
  periodProblem,
  SEARCH_DELAY_MS,
  searchProblem,
  searchText,
  useConversationListing,
} from "./conversation-listing";
import type { ConversationQuery, ConversationSummary } from "./types";

const summary = (id: string, at: string | undefined = "2026-01-31T09:30:00.123Z"): ConversationSummary => ({
  bot: "pizzeria",
  conversation_id: id,
  last_turn_at: at,
});

// The period's days are the user's: pin a zone with a daylight saving change (New York).
const zone = process.env.TZ;
beforeAll(() => {
  process.env.TZ = "America/New_York";
});
afterAll(() => {
  process.env.TZ = zone;
});

describe("localDayStart", () => {
  it("is the local midnight as a UTC time", () => {
    expect(localDayStart("2026-01-31")).toBe("2026-01-31T05:00:00.000Z");
    expect(localDayStart("2026-07-04")).toBe("2026-07-04T04:00:00.000Z");
  });

  it("counts days across a month's end and a clock change", () => {
    expect(localDayStart("2026-01-31", 1)).toBe("2026-02-01T05:00:00.000Z");
    expect(localDayStart("2026-03-08", 1)).toBe("2026-03-09T04:00:00.000Z");
  });

  it("reads years before 100 as written", () => {
    expect(localDayStart("0050-06-01")).toMatch(/^0050-06-01T/);
  });

  it("is null for what is not a day the server can read", () => {
    for (const day of ["", "2026-02-30", "2026-13-01", "31/01/2026", "275760-01-01", "0000-01-01"]) {
      expect(localDayStart(day), day).toBeNull();
    }
  });
});

describe("periodProblem", () => {
  const period = (from: string, to: string): ConversationFilters => ({ ...ANY_CONVERSATION, from, to });

  it("accepts open ends and a period of one day", () => {
    expect(periodProblem(period("", ""))).toBeNull();
    expect(periodProblem(period("2026-01-01", ""))).toBeNull();
    expect(periodProblem(period("", "2026-01-01"))).toBeNull();
    expect(periodProblem(period("2026-01-31", "2026-01-31"))).toBeNull();
  });

  it("refuses a period that ends before it starts", () => {
    expect(periodProblem(period("2026-02-01", "2026-01-31"))).toMatch(/“From” is after “To”/);
  });

  it("refuses a day the server cannot read, naming the field", () => {
    expect(periodProblem(period("0000-01-01", ""))).toMatch(/“From”.*0000-01-01/);
    expect(periodProblem(period("", "2026-02-30"))).toMatch(/“To”.*2026-02-30/);
  });
});

describe("listingQuery", () => {
  it("asks for the first page without filters", () => {
    expect(listingQuery(ANY_CONVERSATION, 50)).toEqual({ limit: 50 });
  });

  it("asks the server for the intent and the period's local days, `to` being the next midnight", () => {
    const filters = { text: "", intent: "order_pizza", from: "2026-01-01", to: "2026-01-31" };
    expect(listingQuery(filters, 50)).toEqual({
      limit: 50,
      intent: "order_pizza",
      from: "2026-01-01T05:00:00.000Z",
      to: "2026-02-01T05:00:00.000Z",
    });
  });

  it("asks for the page after the last listed conversation with the same filters", () => {
    const query = listingQuery({ ...ANY_CONVERSATION, intent: "fallback" }, 20, summary("c9"));
    expect(query).toEqual({ limit: 20, intent: "fallback", before: "2026-01-31T09:30:00.123Z", before_id: "c9" });
  });
});

describe("search text", () => {
  it("is asked for trimmed, with the other filters and on every page", () => {
    const filters = { ...ANY_CONVERSATION, text: "  Pizza .*( ", intent: "order_pizza" };
    expect(listingQuery(filters, 50)).toEqual({ limit: 50, q: "Pizza .*(", intent: "order_pizza" });
    expect(listingQuery(filters, 20, summary("c9"))).toEqual({
      limit: 20,
      q: "Pizza .*(",
      intent: "order_pizza",
      before: "2026-01-31T09:30:00.123Z",
      before_id: "c9",
    });
  });

  it("is not asked for when it shows nothing", () => {
    for (const text of ["", "   ", "\t\n", "\u200b", " \ufeff\u00ad "]) {
      expect(searchText(text), JSON.stringify(text)).toBeUndefined();
      expect(listingQuery({ ...ANY_CONVERSATION, text }, 50), JSON.stringify(text)).toEqual({ limit: 50 });
    }
  });

  it("is refused over 200 characters, counted as the server counts them", () => {
    const search = (text: string): ConversationFilters => ({ ...ANY_CONVERSATION, text });
    expect(searchProblem(search(` ${"x".repeat(200)} `))).toBeNull();
    expect(searchProblem(search("🍕".repeat(200)))).toBeNull(); // 400 UTF-16 units, 200 characters
    expect(searchProblem(search("x".repeat(201)))).toMatch(/at most 200 characters \(this is 201\)/);
  });
});

describe("joinPage", () => {
  it("appends a page and expects more after a full one", () => {
    const joined = joinPage([summary("c3")], [summary("c2"), summary("c1")], 2);
    expect(joined.conversations.map((c) => c.conversation_id)).toEqual(["c3", "c2", "c1"]);
    expect(joined.more).toBe(true);
  });

  it("expects no more after a short page", () => {
    expect(joinPage([], [summary("c1")], 2).more).toBe(false);
  });

  it("expects no more when the last conversation has no time to page after", () => {
    const timeless = { bot: "pizzeria", conversation_id: "c1" };
    expect(joinPage([], [summary("c2"), timeless], 2).more).toBe(false);
  });

  it("does not list a conversation twice", () => {
    const joined = joinPage([summary("c2")], [summary("c2"), summary("c1")], 2);
    expect(joined.conversations.map((c) => c.conversation_id)).toEqual(["c2", "c1"]);
  });
});

/** A server whose answers the test gives, one asked query at a time. */
class FakeServer {
  asked: { query: ConversationQuery; answer: (page: ConversationSummary[]) => Promise<void>; fail: (error: Error) => Promise<void> }[] = [];

  load = (query: ConversationQuery): Promise<ConversationSummary[]> =>
    new Promise((resolve, reject) => {
      const settle = async (done: () => void) => act(async () => done());
      this.asked.push({ query, answer: (page) => settle(() => resolve(page)), fail: (error) => settle(() => reject(error)) });
    });
}

describe("useConversationListing", () => {
  const root = document.createElement("div");
  let listing: Listing;
  function Probe({ server, filters }: { server: FakeServer; filters: ConversationFilters }) {
    listing = useConversationListing(server.load, "pizzeria", filters, 2);
    return null;
  }
  // The same component each time, so new filters re-render it rather than mount another.
  const show = (server: FakeServer, filters: ConversationFilters) => act(() => render(h(Probe, { server, filters }), root));
  const ids = () => listing.conversations?.map((c) => c.conversation_id);
  afterEach(() => render(null, root));

  it("lists the first page, then the next one after the last conversation", async () => {
    const server = new FakeServer();
    await show(server, ANY_CONVERSATION);
    expect(listing.conversations).toBeNull();
    await server.asked[0]?.answer([summary("c4"), summary("c3")]);
    expect(ids()).toEqual(["c4", "c3"]);
    expect(listing.more).toBe(true);

    await act(() => listing.loadMore());
    expect(server.asked[1]?.query).toEqual({ limit: 2, before: "2026-01-31T09:30:00.123Z", before_id: "c3" });
    await server.asked[1]?.answer([summary("c2")]);
    expect(ids()).toEqual(["c4", "c3", "c2"]);
    expect(listing.more).toBe(false);
  });

  it("asks for a page once, however often Load more is pressed while it comes", async () => {
    const server = new FakeServer();
    await show(server, ANY_CONVERSATION);
    await server.asked[0]?.answer([summary("c4"), summary("c3")]);
    await act(() => {
      listing.loadMore();
      listing.loadMore();
    });
    expect(server.asked).toHaveLength(2);
    expect(listing.loading).toBe(true);
  });

  it("takes a deleted conversation off the list without asking again", async () => {
    const server = new FakeServer();
    await show(server, ANY_CONVERSATION);
    await server.asked[0]?.answer([summary("c4"), summary("c3")]);
    await act(() => listing.drop("c4"));
    expect(ids()).toEqual(["c3"]);
    expect(server.asked).toHaveLength(1);
  });

  it("starts again when the filters change, dropping the answer for the old ones", async () => {
    const server = new FakeServer();
    await show(server, ANY_CONVERSATION);
    await show(server, { ...ANY_CONVERSATION, intent: "fallback" });
    expect(server.asked.map((a) => a.query.intent)).toEqual([undefined, "fallback"]);
    await server.asked[1]?.answer([summary("f1")]);
    await server.asked[0]?.answer([summary("c4"), summary("c3")]);
    expect(ids()).toEqual(["f1"]);
    expect(listing.more).toBe(false);
  });

  it("drops a next page asked for under filters that have changed since", async () => {
    const server = new FakeServer();
    await show(server, ANY_CONVERSATION);
    await server.asked[0]?.answer([summary("c4"), summary("c3")]);
    await act(() => listing.loadMore());
    await show(server, { ...ANY_CONVERSATION, intent: "greet" });
    await server.asked[1]?.answer([summary("c2"), summary("c1")]);
    expect(listing.conversations).toBeNull();
    await server.asked[2]?.answer([summary("g1")]);
    expect(ids()).toEqual(["g1"]);
  });

  it("says why a page failed and keeps what is listed, so Load more can try again", async () => {
    const server = new FakeServer();
    await show(server, ANY_CONVERSATION);
    await server.asked[0]?.answer([summary("c4"), summary("c3")]);
    await act(() => listing.loadMore());
    await server.asked[1]?.fail(new Error("connection reset"));
    expect(listing.error).toMatch(/connection reset/);
    expect(ids()).toEqual(["c4", "c3"]);
    expect(listing.more).toBe(true);
    await act(() => listing.loadMore());
    expect(server.asked[2]?.query.before_id).toBe("c3");
  });

  describe("searching", () => {
    beforeAll(() => {
      vi.useFakeTimers();
    });
    afterAll(() => {
      vi.useRealTimers();
    });
    const type = (server: FakeServer, text: string) => show(server, { ...ANY_CONVERSATION, text });
    const pause = (ms = SEARCH_DELAY_MS) =>
      act(() => {
        vi.advanceTimersByTime(ms);
      });

    it("asks for the text once typing pauses, not at every key", async () => {
      const server = new FakeServer();
      await type(server, "");
      await type(server, "p");
      await pause(SEARCH_DELAY_MS - 1);
      await type(server, "pi");
      await type(server, "Pizza");
      await pause(SEARCH_DELAY_MS - 1);
      expect(server.asked.map((a) => a.query.q)).toEqual([undefined]);
      await pause(1);
      expect(server.asked.map((a) => a.query.q)).toEqual([undefined, "Pizza"]);
    });

    it("shows the answer for the latest text, dropping one for earlier text that comes later", async () => {
      const server = new FakeServer();
      await type(server, "pizza");
      await type(server, "pasta");
      await pause();
      await server.asked[1]?.answer([summary("p2")]);
      await server.asked[0]?.answer([summary("p1")]);
      expect(server.asked.map((a) => a.query.q)).toEqual(["pizza", "pasta"]);
      expect(ids()).toEqual(["p2"]);
    });

    it("pages under the text, and asks nothing again when only spaces around it change", async () => {
      const server = new FakeServer();
      await type(server, "pizza");
      await server.asked[0]?.answer([summary("c4"), summary("c3")]);
      await type(server, " pizza ");
      await pause();
      await act(() => listing.loadMore());
      expect(server.asked.map((a) => a.query)).toEqual([
        { limit: 2, q: "pizza" },
        { limit: 2, q: "pizza", before: "2026-01-31T09:30:00.123Z", before_id: "c3" },
      ]);
    });

    it("asks nothing for a text over 200 characters, and says so", async () => {
      const server = new FakeServer();
      await type(server, "x".repeat(201));
      await pause();
      expect(server.asked).toHaveLength(0);
      expect(listing.error).toMatch(/at most 200 characters/);
    });
  });

  it("asks nothing for a period that ends before it starts, and says so", async () => {
    const server = new FakeServer();
    await show(server, { ...ANY_CONVERSATION, from: "2026-02-01", to: "2026-01-01" });
    expect(server.asked).toHaveLength(0);
    expect(listing.error).toMatch(/“From” is after “To”/);
    expect(listing.conversations).toBeNull();
  });
});
