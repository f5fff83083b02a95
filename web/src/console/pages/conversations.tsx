// Conversations: newest first, paged; searched by text and filtered by intent (or fallback) and
// period by the server; read a transcript with what the bot understood at each turn.

import { useEffect, useState } from "preact/hooks";
import { describe } from "../api";
import { Empty, EntityChips, ErrorBox, Loading, RichText, percent, when } from "../components/ui";
import { useApi } from "../context";
import {
  ANY_CONVERSATION,
  type ConversationFilters,
  MAX_SEARCH_CHARS,
  searchText,
  useConversationListing,
} from "../conversation-listing";
import { useDraft } from "../draft";
import { href, navigate } from "../router";
import type { Conversation } from "../types";

export function ConversationsPage({ selected }: { selected: string | undefined }) {
  const api = useApi();
  const { bot } = useDraft();
  const [filters, setFilters] = useState<ConversationFilters>(ANY_CONVERSATION);
  const listing = useConversationListing((query) => api.conversations(bot, query), bot, filters);
  const { conversations, more, loading, error } = listing;
  const filtering = Boolean(searchText(filters.text) || filters.intent || filters.from || filters.to);
  return (
    <div class="split">
      <aside class="sidebar wide" aria-label="Conversations">
        <Filters filters={filters} onChange={setFilters} />
        <ErrorBox error={error} />
        {conversations === null && !error && <Loading what="conversations" />}
        {conversations?.length === 0 && <Empty>{filtering ? "No conversation matches." : "No conversations yet."}</Empty>}
        <ul class="nav-list conversations">
          {conversations?.map((c) => (
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
        {more && conversations && (
          <button type="button" class="secondary" disabled={loading} onClick={listing.loadMore}>
            {loading ? "Loading…" : "Load more"}
          </button>
        )}
      </aside>
      <div class="content">
        {selected ? (
          <Transcript key={selected} id={selected} onDeleted={() => listing.drop(selected)} />
        ) : (
          <Empty>Choose a conversation to read it.</Empty>
        )}
      </div>
    </div>
  );
}

/** The text, the intent (the fallback intent: "Only with fallbacks") and the period, in the user's days. */
function Filters({ filters, onChange }: { filters: ConversationFilters; onChange: (next: ConversationFilters) => void }) {
  const { draft } = useDraft();
  const fallback = draft.settings?.fallback_intent ?? "fallback";
  const intents = [...new Set([...(draft.intents ?? []).map((i) => i.id), fallback])].sort();
  const set = (change: Partial<ConversationFilters>) => onChange({ ...filters, ...change });
  return (
    <div class="filters" role="search" aria-label="Filter conversations">
      <input
        type="search"
        aria-label="Search conversations"
        placeholder="Search what was said…"
        maxLength={MAX_SEARCH_CHARS}
        value={filters.text}
        onInput={(e) => set({ text: e.currentTarget.value })}
      />
      <select aria-label="Filter by intent" value={filters.intent} onChange={(e) => set({ intent: e.currentTarget.value })}>
        <option value="">Any intent</option>
        {intents.map((i) => (
          <option key={i} value={i}>{i}</option>
        ))}
      </select>
      <label class="check">
        <input type="checkbox" checked={filters.intent === fallback} onChange={(e) => set({ intent: e.currentTarget.checked ? fallback : "" })} />
        Only with fallbacks
      </label>
      <div class="period">
        <label>
          From <input type="date" value={filters.from} max={filters.to || undefined} onChange={(e) => set({ from: e.currentTarget.value })} />
        </label>
        <label>
          To <input type="date" value={filters.to} min={filters.from || undefined} onChange={(e) => set({ to: e.currentTarget.value })} />
        </label>
        {(filters.from || filters.to) && (
          <button type="button" class="link" onClick={() => set({ from: "", to: "" })}>
            Any time
          </button>
        )}
      </div>
    </div>
  );
}

/** Erase the conversation for a user who asks (services/gateway/README.md, "Erasing a conversation"). */
function DeleteConversation({ id, onDeleted }: { id: string; onDeleted: () => void }) {
  const api = useApi();
  const { bot } = useDraft();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async () => {
    const gone = "Its transcript is deleted now, and from the transcript archives at their next run.";
    if (!confirm(`Delete conversation ${id}? ${gone} This cannot be undone.`)) return;
    setBusy(true);
    setError(null);
    try {
      await api.deleteConversation(bot, id);
      onDeleted();
      navigate("bots", bot, "conversations");
    } catch (err) {
      setError(describe(err));
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class="danger" disabled={busy} onClick={remove}>
        {busy ? "Deleting…" : "Delete conversation"}
      </button>
      <ErrorBox error={error} />
    </>
  );
}

function Transcript({ id, onDeleted }: { id: string; onDeleted: () => void }) {
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
      <DeleteConversation id={id} onDeleted={onDeleted} />
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
              <EntityChips entities={turn.entities} />
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
