// Conversations: newest first, paged; search the text and filter by intent or fallback; read a
// transcript with what the bot understood at each turn.

import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { describe } from "../api";
import { Empty, ErrorBox, Loading, RichText, percent, when } from "../components/ui";
import { useApi } from "../context";
import { useDraft } from "../draft";
import { mapLimit } from "../evaluation";
import { href } from "../router";
import type { Conversation, ConversationSummary } from "../types";

const PAGE = 50;

export function ConversationsPage({ selected }: { selected: string | undefined }) {
  const api = useApi();
  const { bot, draft } = useDraft();
  const [list, setList] = useState<ConversationSummary[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const [intent, setIntent] = useState("");
  const [fallbackOnly, setFallbackOnly] = useState(false);
  const [details, setDetails] = useState<Map<string, Conversation>>(new Map());
  const [loadingDetails, setLoadingDetails] = useState(false);
  const cache = useRef(new Map<string, Conversation>());

  // The cursor is the last listed conversation: its time and id (many can share a millisecond).
  const page = async (after?: ConversationSummary): Promise<void> => {
    try {
      const cursor = after?.last_turn_at ? { before: after.last_turn_at, before_id: after.conversation_id } : {};
      const next = await api.conversations(bot, { limit: PAGE, ...cursor });
      setList((all) => [...(after ? (all ?? []) : []), ...next]);
      setMore(next.length === PAGE);
    } catch (err) {
      setError(describe(err));
    }
  };
  useEffect(() => void page(), [bot]);

  const filtering = query.trim() !== "" || intent !== "" || fallbackOnly;
  // Filters look inside the transcripts: fetch the listed ones once (the list has no turn data).
  useEffect(() => {
    if (!filtering || !list) return;
    const missing = list.filter((c) => !cache.current.has(c.conversation_id));
    if (!missing.length) return setDetails(new Map(cache.current));
    setLoadingDetails(true);
    void mapLimit(missing, 4, async (c) => {
      try {
        cache.current.set(c.conversation_id, await api.conversation(bot, c.conversation_id));
      } catch {
        // a conversation that vanished is simply not matched
      }
    }).then(() => {
      setDetails(new Map(cache.current));
      setLoadingDetails(false);
    });
  }, [filtering, list]);

  const shown = useMemo(() => {
    if (!list || !filtering) return list;
    const words = query.trim().toLowerCase();
    return list.filter((summary) => {
      const c = details.get(summary.conversation_id);
      if (!c) return false;
      return c.turns.some(
        (t) =>
          (!words || `${t.user_text} ${t.replies.join(" ")}`.toLowerCase().includes(words)) &&
          (!intent || t.intent === intent) &&
          (!fallbackOnly || t.fallback === true),
      );
    });
  }, [list, details, filtering, query, intent, fallbackOnly]);

  const intents = [...new Set([...(draft.intents ?? []).map((i) => i.id), draft.settings?.fallback_intent ?? "fallback"])].sort();
  return (
    <div class="split">
      <aside class="sidebar wide" aria-label="Conversations">
        <div class="filters" role="search">
          <input type="search" aria-label="Search conversations" placeholder="Search text…" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
          <select aria-label="Filter by intent" value={intent} onChange={(e) => setIntent(e.currentTarget.value)}>
            <option value="">Any intent</option>
            {intents.map((i) => (
              <option key={i} value={i}>{i}</option>
            ))}
          </select>
          <label class="check">
            <input type="checkbox" checked={fallbackOnly} onChange={(e) => setFallbackOnly(e.currentTarget.checked)} /> Only with fallbacks
          </label>
        </div>
        <ErrorBox error={error} />
        {list === null && !error && <Loading what="conversations" />}
        {loadingDetails && <p class="muted small" role="status">Searching transcripts…</p>}
        {shown && shown.length === 0 && !loadingDetails && <Empty>{filtering ? "No conversation matches." : "No conversations yet."}</Empty>}
        <ul class="nav-list conversations">
          {shown?.map((c) => (
            <li key={c.conversation_id}>
              <a href={href("bots", bot, "conversations", c.conversation_id)} aria-current={c.conversation_id === selected ? "page" : undefined}>
                <span class="mono">{c.conversation_id.slice(0, 12)}</span>
                <small class="muted">
                  {when(c.last_turn_at)} · {c.turn_count ?? 0} {c.turn_count === 1 ? "turn" : "turns"} · {c.channel}
                </small>
              </a>
            </li>
          ))}
        </ul>
        {more && list && (
          <button type="button" class="secondary" onClick={() => page(list[list.length - 1])}>
            Load more
          </button>
        )}
      </aside>
      <div class="content">{selected ? <Transcript key={selected} id={selected} /> : <Empty>Choose a conversation to read it.</Empty>}</div>
    </div>
  );
}

function Transcript({ id }: { id: string }) {
  const api = useApi();
  const { bot } = useDraft();
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.conversation(bot, id).then(setConversation, (err: unknown) => setError(describe(err)));
  }, [id]);
  if (error) return <ErrorBox error={error} />;
  if (!conversation) return <Loading what="the conversation" />;
  return (
    <article aria-labelledby="transcript-title">
      <h2 id="transcript-title" class="mono">{id}</h2>
      <p class="muted small">
        {conversation.channel} · {when(conversation.first_turn_at)} – {when(conversation.last_turn_at)}
      </p>
      <ol class="turns">
        {conversation.turns.map((turn) => (
          <li key={turn.event_id} class={`turn${turn.fallback ? " fallback" : ""}`}>
            <div class="bubbles">
              {turn.welcome ? <p class="muted small">Welcome, before the user wrote</p> : <p class="bubble user">{turn.user_text}</p>}
              {turn.replies.map((r, i) => (
                <p key={i} class="bubble bot">
                  <RichText text={r} />
                </p>
              ))}
            </div>
            <aside class="debug">
              <p>
                <span class="label">intent</span> <strong>{turn.intent ?? "–"}</strong> {percent(turn.confidence ?? null, 1)}
                {turn.fallback && <span class="badge warn">fallback</span>}
              </p>
              {Object.keys(turn.slots ?? {}).length > 0 && (
                <p>
                  <span class="label">slots</span> <code>{JSON.stringify(turn.slots)}</code>
                </p>
              )}
              <p class="small muted">
                {when(turn.at)}
                {turn.latency_ms !== undefined && ` · ${turn.latency_ms.toFixed(0)} ms`}
              </p>
            </aside>
          </li>
        ))}
      </ol>
    </article>
  );
}
