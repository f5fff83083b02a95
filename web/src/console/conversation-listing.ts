// The Conversations page's list: its filters as the server's query (`q`, `intent`, `from`, `to`:
// services/gateway/README.md "Conversations") and its pages joined by the last conversation's time
// and id. The server filters and searches; the console fetches no transcript to filter.

import { useEffect, useRef, useState } from "preact/hooks";
import { describe } from "./api";
import type { ConversationQuery, ConversationSummary } from "./types";

export const PAGE = 50;
/** How long typing in the search box must pause before the text is asked for. */
export const SEARCH_DELAY_MS = 300;
/** The longest text the server searches for (in characters, after trimming). */
export const MAX_SEARCH_CHARS = 200;

export interface ConversationFilters {
  /** Only conversations with a turn whose user text or a reply holds this, in any case (in the
   * period), as typed; blank for any. */
  text: string;
  /** Only conversations with a turn answered as this intent (in the period); "" for any. */
  intent: string;
  /** The first and last day of the period in the browser's time zone (`2026-01-31`, as a date
   * input gives them); "" leaves that end open. */
  from: string;
  to: string;
}

export const ANY_CONVERSATION: ConversationFilters = { text: "", intent: "", from: "", to: "" };

/** The text to search for: `text` trimmed; undefined when it shows nothing (the server refuses that). */
export function searchText(text: string): string | undefined {
  const trimmed = text.trim();
  return /^[\s\p{Cf}]*$/u.test(trimmed) ? undefined : trimmed;
}

/**
 * The first instant of the local day `day`, `plus` days later, as an RFC 3339 UTC time; null when
 * `day` is not a day of the years 0001–9999 (the server reads no other).
 */
export function localDayStart(day: string, plus = 0): string | null {
  const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)?.slice(1).map(Number);
  if (!parts) return null;
  const [year = 0, month = 0, date = 0] = parts;
  const moment = new Date(0);
  moment.setFullYear(year, month - 1, date); // not new Date(y, m, d): it reads years 0–99 as 1900–1999
  if (moment.getFullYear() !== year || moment.getMonth() !== month - 1 || moment.getDate() !== date) return null;
  moment.setDate(date + plus);
  moment.setHours(0, 0, 0, 0);
  const iso = moment.toISOString();
  return /^\d{4}-/.test(iso) && !iso.startsWith("0000") ? iso : null;
}

/** Why the period cannot be asked for, in words for the user; null when it can. */
export function periodProblem({ from, to }: ConversationFilters): string | null {
  if (from && !localDayStart(from)) return `“From” must be a day between the years 1 and 9999, not ${from}.`;
  if (to && !localDayStart(to, 1)) return `“To” must be a day between the years 1 and 9999, not ${to}.`;
  if (from && to && from > to) return "“From” is after “To”: choose a period that ends after it starts.";
  return null;
}

/** Why the search text cannot be asked for, in words for the user; null when it can. */
export function searchProblem({ text }: ConversationFilters): string | null {
  const length = [...(searchText(text) ?? "")].length; // characters, as the server counts them
  return length > MAX_SEARCH_CHARS ? `Search for at most ${MAX_SEARCH_CHARS} characters (this is ${length}).` : null;
}

/**
 * The query for a page of conversations matching `filters`: the first, or the one after the
 * conversation `after` (the last one listed). The period's days become times (a time `to` is the
 * first instant after the period), so a day is the user's day, as the list shows times.
 */
export function listingQuery(filters: ConversationFilters, limit: number, after?: ConversationSummary): ConversationQuery {
  const query: ConversationQuery = { limit };
  const q = searchText(filters.text);
  if (q) query.q = q;
  if (filters.intent) query.intent = filters.intent;
  if (filters.from) query.from = localDayStart(filters.from) ?? undefined;
  if (filters.to) query.to = localDayStart(filters.to, 1) ?? undefined;
  if (after?.last_turn_at) Object.assign(query, { before: after.last_turn_at, before_id: after.conversation_id });
  return query;
}

export interface Pages {
  conversations: ConversationSummary[];
  /** Whether another page may follow: the last was full, and its last conversation can be paged after. */
  more: boolean;
}

/** `listed` followed by the page the server answered; a conversation already listed is not listed twice. */
export function joinPage(listed: ConversationSummary[], page: ConversationSummary[], limit: number): Pages {
  const seen = new Set(listed.map((c) => c.conversation_id));
  const conversations = [...listed, ...page.filter((c) => !seen.has(c.conversation_id))];
  return { conversations, more: page.length === limit && Boolean(page[page.length - 1]?.last_turn_at) };
}

export interface Listing {
  /** null until the first page has come (or when the filters cannot be asked for: see `error`). */
  conversations: ConversationSummary[] | null;
  more: boolean;
  loading: boolean;
  error: string | null;
  /** Ask for the page after the last listed conversation; nothing while a page is on its way. */
  loadMore: () => void;
  /** Take a conversation off the list (it was deleted), without asking for the pages again. */
  drop: (id: string) => void;
}

type Load = (query: ConversationQuery) => Promise<ConversationSummary[]>;
type State = Omit<Listing, "loadMore" | "drop">;

/** `value` once it has stayed the same for `ms` milliseconds. */
export function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * The conversations `load` answers for `filters`, a page at a time: new filters or a new `scope`
 * (the bot) start again from the first page, and a page asked for before that is dropped. The
 * search text is asked for once typing has paused for `delay` ms, not at every key.
 */
export function useConversationListing(
  load: Load,
  scope: string,
  typed: ConversationFilters,
  limit = PAGE,
  delay = SEARCH_DELAY_MS,
): Listing {
  const filters = { ...typed, text: useSettled(typed.text, delay) };
  const [state, setState] = useState<State>({ conversations: null, more: false, loading: true, error: null });
  const asked = useRef(0); // the filters' generation: an answer for older ones is dropped
  const busy = useRef(false);

  const fetchPage = (after?: ConversationSummary) => {
    const generation = asked.current;
    busy.current = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    const settle = (next: (s: State) => State) => {
      if (generation !== asked.current) return;
      busy.current = false;
      setState(next);
    };
    load(listingQuery(filters, limit, after)).then(
      (page) => settle((s) => ({ ...joinPage(after ? (s.conversations ?? []) : [], page, limit), loading: false, error: null })),
      (err: unknown) => settle((s) => ({ ...s, loading: false, error: describe(err) })),
    );
  };

  useEffect(() => {
    asked.current += 1;
    busy.current = false;
    const problem = periodProblem(filters) ?? searchProblem(filters);
    setState({ conversations: null, more: false, loading: false, error: problem });
    if (!problem) fetchPage();
  }, [scope, searchText(filters.text), filters.intent, filters.from, filters.to]);

  const loadMore = () => {
    const last = state.conversations?.[state.conversations.length - 1];
    if (busy.current || !state.more || !last) return;
    fetchPage(last);
  };
  const drop = (id: string) =>
    setState((s) => ({ ...s, conversations: s.conversations?.filter((c) => c.conversation_id !== id) ?? null }));
  return { ...state, loadMore, drop };
}
