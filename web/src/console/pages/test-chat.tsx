// Test chat: a live conversation over the same websocket the widget uses, with what the bot
// understood (intent, ranking, entities) and its state (slots, missing slots) beside each turn.

import { useEffect, useRef, useState } from "preact/hooks";
import { describe } from "../api";
import { EntityChips, RichText, percent } from "../components/ui";
import { type TurnView, placeFrame, placeParse, userTurn, waiting } from "../chat-turns";
import { useApi } from "../context";
import { useDraft } from "../draft";
import { ChatConnection, type ConnectionState } from "../../shared/connection";
import { type Button, usableButtons } from "../../shared/protocol";

/** Shown on a message the connection refused to queue: as many wait as the gateway takes at once. */
const NOT_SENT = "Not sent: too many messages are waiting for the connection. Send it again once it is back.";

export function TestChatPage() {
  const api = useApi();
  const { bot, dirty, saved } = useDraft();
  // A bot that needs a key to chat with: the console's admin key is one (admin includes chat).
  const key = saved?.settings?.chat_access === "key" ? api.token : null;
  const [turns, setTurns] = useState<TurnView[]>([]);
  const [state, setState] = useState<ConnectionState>("connecting");
  const [conversation, setConversation] = useState<string | null>(null);
  const [text, setText] = useState("");
  const connection = useRef<ChatConnection | null>(null);
  const counter = useRef(0);
  const log = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const chat = new ChatConnection({
      server: api.base,
      bot,
      key,
      onFrame: (frame, welcome) => setTurns((all) => placeFrame(all, frame, welcome, () => ++counter.current)),
      onState: setState,
      onConversation: setConversation,
    });
    connection.current = chat;
    chat.start();
    return () => chat.stop();
  }, [api, bot, key]);

  useEffect(() => {
    log.current?.lastElementChild?.scrollIntoView({ block: "nearest" });
  }, [turns]);

  /** Send `message`; the turn shows `shown` (a button's title, as the widget does, not its payload). */
  const send = (message: string, shown = message): void => {
    if (!message.trim() || !connection.current) return;
    const id = ++counter.current;
    if (connection.current.send(message) === "full") {
      setTurns((all) => [...all, { ...userTurn(id, shown), error: NOT_SENT }]);
      return;
    }
    setTurns((all) => [...all, userTurn(id, shown)]);
    if (!message.startsWith("/")) {
      api.parse(bot, message).then(
        (parse) => setTurns((all) => placeParse(all, id, parse)),
        (err: unknown) => setTurns((all) => placeParse(all, id, null, describe(err))),
      );
    }
  };

  return (
    <section aria-labelledby="chat-title" class="test-chat">
      <header class="editor-head">
        <h2 id="chat-title">Test chat</h2>
        <span class="conn" data-state={state} role="status">
          {state === "open" ? "connected" : state}
        </span>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            setTurns([]);
            connection.current?.restart();
          }}
        >
          New conversation
        </button>
      </header>
      {dirty && <p class="notice info">You have unsaved changes; the bot answers with its last trained model.</p>}
      <p class="muted small">Conversation {conversation ?? "–"}</p>
      <Announcer turns={turns} />
      <ol class="turns" ref={log} aria-label="Conversation with the parse and state of each turn">
        {turns.map((turn) => (
          <li key={turn.id} class="turn">
            <div class="bubbles">
              {/* Who says what, for screen readers: outside the bubbles, which hold only the words. */}
              {turn.text !== null && <span class="sr-only">You:</span>}
              {turn.text !== null && <p class="bubble user">{turn.text}</p>}
              {turn.reply && <span class="sr-only">Bot:</span>}
              {turn.reply?.messages.map((m, i) => (
                <div key={i} class="bubble bot">
                  {m.text && <RichText text={m.text} />}
                  {m.buttons && m.buttons.length > 0 && <Buttons buttons={m.buttons} onPick={send} />}
                </div>
              ))}
              {turn.error && <p class="bubble error">{turn.error}</p>}
              {waiting(turn) && <p class="muted small">…</p>}
            </div>
            <TurnDebug turn={turn} />
          </li>
        ))}
      </ol>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          send(text.trim());
          setText("");
        }}
      >
        <input type="text" aria-label="Message to the bot" placeholder="Say something…" value={text} maxLength={2000} onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit">Send</button>
      </form>
    </section>
  );
}

/** What the bot says, as a polite live region (as the widget's log is), so replies are announced;
 * the list of turns beside it would also announce each turn's debugging notes. */
function Announcer({ turns }: { turns: TurnView[] }) {
  return (
    <div class="sr-only" role="log" aria-live="polite" aria-label="Bot replies">
      {turns.flatMap((turn) => [
        ...(turn.reply?.messages ?? []).map((m, i) =>
          m.text ? (
            <p key={`${turn.id}-${i}`}>
              Bot: <RichText text={m.text} />
            </p>
          ) : null,
        ),
        turn.error ? <p key={`${turn.id}-error`}>Error: {turn.error}</p> : null,
      ])}
    </div>
  );
}

function Buttons({ buttons, onPick }: { buttons: Button[]; onPick: (payload: string, title: string) => void }) {
  return (
    <div class="buttons">
      {usableButtons(buttons).map((b) => (
        <button key={b.payload} type="button" class="secondary small" onClick={() => onPick(b.payload, b.title)}>
          {b.title}
        </button>
      ))}
    </div>
  );
}

function TurnDebug({ turn }: { turn: TurnView }) {
  const reply = turn.reply;
  const intent = reply?.intent ?? turn.parse?.intent ?? null;
  const slots = Object.entries(reply?.slots ?? {});
  return (
    <aside class="debug" aria-label="What the bot understood">
      {intent ? (
        <p class="intent">
          <span class="label">intent</span> <strong data-intent={intent.name}>{intent.name}</strong> {percent(intent.confidence, 1)}
        </p>
      ) : (
        <p class="muted small">{turn.text === null ? "welcome" : waiting(turn) ? "…" : "no intent"}</p>
      )}
      {turn.parseError && <p class="small muted">No ranking: the parse failed ({turn.parseError}).</p>}
      {turn.parse && turn.parse.ranking.length > 1 && (
        <ul class="ranking" aria-label="Intent ranking">
          {turn.parse.ranking.slice(0, 3).map((r) => (
            <li key={r.name}>
              <span>{r.name}</span>
              <meter min={0} max={1} value={r.confidence} aria-label={`${r.name} confidence`} />
              <span class="num">{percent(r.confidence, 1)}</span>
            </li>
          ))}
        </ul>
      )}
      <EntityChips entities={reply?.entities} />
      {slots.length > 0 && (
        <p>
          <span class="label">slots</span>{" "}
          {slots.map(([k, v]) => (
            <code key={k} class="chip">
              {k}={JSON.stringify(v)}
            </code>
          ))}
        </p>
      )}
      {(reply?.missing_slots ?? []).length > 0 && (
        <p>
          <span class="label">missing</span> {reply!.missing_slots!.join(", ")}
        </p>
      )}
      {reply && <p class="small muted">{reply.complete ? "complete" : "waiting for parameters"}</p>}
    </aside>
  );
}
