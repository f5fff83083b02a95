import { h, render } from "preact";
import { act } from "preact/test-utils";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ANY_CONVERSATION,
  type ConversationFilters,
  type Listing,
  joinPage,
  listingQuery,
  localDayStart,
  periodProblem,
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
    const filters = { intent: "order_pizza", from: "2026-01-01", to: "2026-01-31" };
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

  it("asks nothing for a period that ends before it starts, and says so", async () => {
    const server = new FakeServer();
    await show(server, { ...ANY_CONVERSATION, from: "2026-02-01", to: "2026-01-01" });
    expect(server.asked).toHaveLength(0);
    expect(listing.error).toMatch(/“From” is after “To”/);
    expect(listing.conversations).toBeNull();
  });
});
