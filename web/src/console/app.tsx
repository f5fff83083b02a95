// The console's shell: sign-in, the top bar, notices, and which page the URL names.

import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { Api } from "./api";
import { NotFound } from "./components/ui";
import type { ConsoleConfig } from "./config";
import { ApiContext, NoticeContext, type NoticeKind } from "./context";
import { BotShell } from "./pages/bot-shell";
import { BotsPage } from "./pages/bots";
import { KeysPage } from "./pages/keys";
import { LoginPage } from "./pages/login";
import { href, mayLeave, useRoute } from "./router";
import { forgetToken, loadToken } from "./session";

interface Notice {
  id: number;
  text: string;
  kind: NoticeKind;
}

export function App({ config }: { config: ConsoleConfig }) {
  const [apiBase, setApiBase] = useState(config.apiBase);
  const [token, setToken] = useState(loadToken);
  const [expired, setExpired] = useState(false);
  const [notices, setNotices] = useState<Notice[]>([]);
  const counter = useRef(0);
  const path = useRoute();

  const api = useMemo(() => (token ? new Api(apiBase, token) : null), [apiBase, token]);
  useEffect(() => {
    if (!api) return;
    api.onUnauthorized = () => {
      forgetToken();
      setExpired(true);
      setToken(null);
    };
  }, [api]);

  const notify = useCallback((text: string, kind: NoticeKind = "info") => {
    const id = ++counter.current;
    setNotices((all) => [...all.filter((n) => n.text !== text).slice(-2), { id, text, kind }]); // the same news once
    setTimeout(() => setNotices((all) => all.filter((n) => n.id !== id)), kind === "error" ? 8000 : 4000);
  }, []);

  if (!api) {
    return (
      <LoginPage
        apiBase={apiBase}
        expired={expired}
        onSignedIn={(base, key) => {
          setApiBase(base);
          setToken(key);
          setExpired(false);
        }}
      />
    );
  }

  const [section, bot, ...rest] = path ?? ["?"];
  return (
    <ApiContext.Provider value={api}>
      <NoticeContext.Provider value={notify}>
        <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>
          Skip to content
        </a>
        <header class="topbar">
          <a class="brand" href={href()}>
            Parley <span>console</span>
          </a>
          <nav aria-label="Console">
            <a href={href()} aria-current={section === undefined || section === "bots" ? "page" : undefined}>
              Bots
            </a>
            <a href={href("keys")} aria-current={section === "keys" ? "page" : undefined}>
              API keys
            </a>
          </nav>
          <span class="server muted" title="API server">{api.base}</span>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              if (!mayLeave(null)) return;
              forgetToken();
              setToken(null);
            }}
          >
            Sign out
          </button>
        </header>
        <div class="notices" role="status" aria-live="polite">
          {notices.map((n) => (
            <p key={n.id} class={`notice ${n.kind}`}>
              {n.text}
            </p>
          ))}
        </div>
        <main id="main" tabIndex={-1}>
          {section === "keys" ? (
            <KeysPage />
          ) : section === "bots" && bot ? (
            <BotShell key={bot} bot={bot} path={rest} />
          ) : section === undefined || section === "bots" ? (
            <BotsPage />
          ) : (
            <NotFound />
          )}
        </main>
      </NoticeContext.Provider>
    </ApiContext.Provider>
  );
}
