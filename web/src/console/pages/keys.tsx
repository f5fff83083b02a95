// API keys. The console asks the server's OpenAPI document whether it has key routes, so it works
// against gateways with and without them.

import { useEffect, useRef, useState } from "preact/hooks";
import { describe } from "../api";
import { Empty, ErrorBox, Field, Loading, TextInput, when } from "../components/ui";
import { useApi, useNotify } from "../context";

export function findKeyRoute(paths: Record<string, Record<string, unknown>>): string | null {
  const route = paths["/api/v1/keys"];
  return route && "get" in route && "post" in route ? "api/v1/keys" : null;
}

export function KeysPage() {
  const api = useApi();
  const [route, setRoute] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.openapi().then(
      (doc) => setRoute(findKeyRoute(doc.paths ?? {})),
      (err: unknown) => setError(describe(err)),
    );
  }, [api]);
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">API keys</h1>
      <ErrorBox error={error} />
      {route === undefined && !error && <Loading what="the server's capabilities" />}
      {route === null && (
        <Empty>
          <strong>Not available on this server.</strong> This gateway has no API key routes, so keys cannot be managed here. Admin access uses the
          key set with <code>PARLEY_ADMIN_TOKEN</code>.
        </Empty>
      )}
      {route && <KeyManager route={route} />}
    </section>
  );
}

export interface ApiKey {
  key_id: string;
  name: string;
  scopes: string[];
  bots?: string[];
  rate_limit?: number | null;
  prefix?: string;
  created_at: string;
  revoked_at?: string | null;
}

/**
 * The key whose Revoke button takes the focus once `revoked` is revoked (its button is gone): the
 * next key still in use, else the one before it; null when no other key is in use.
 */
export function keyAfterRevoking(keys: ApiKey[], revoked: string): string | null {
  const at = keys.findIndex((key) => key.key_id === revoked);
  const live = (key: ApiKey): boolean => !key.revoked_at && key.key_id !== revoked;
  const next = keys.slice(at + 1).find(live) ?? keys.slice(0, Math.max(0, at)).reverse().find(live);
  return next?.key_id ?? null;
}

function KeyManager({ route }: { route: string }) {
  const api = useApi();
  const notify = useNotify();
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [created, setCreated] = useState<{ keyId: string; name: string; secret: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);
  // Focus after a key is revoked (its button goes) or created (the secret to copy appears).
  const [revoked, setRevoked] = useState<string | null>(null);
  const listHeading = useRef<HTMLHeadingElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const copyButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!revoked || !keys) return;
    const next = keyAfterRevoking(keys, revoked);
    const button = next ? list.current?.querySelector<HTMLButtonElement>(`button[data-key-id="${CSS.escape(next)}"]`) : null;
    (button ?? listHeading.current)?.focus();
    setRevoked(null);
  }, [keys, revoked]);
  useEffect(() => copyButton.current?.focus(), [created?.keyId]);
  const load = async (): Promise<void> => {
    try {
      setKeys(await api.request<ApiKey[]>("GET", route));
    } catch (err) {
      setError(describe(err));
    }
  };
  useEffect(() => void load(), [route]);
  const revoke = async (key: ApiKey): Promise<void> => {
    if (revoking === key.key_id) return;
    if (!confirm(`Revoke the key “${key.name}” (${key.prefix ?? key.key_id}…)? Clients using it stop working at once.`)) return;
    setRevoking(key.key_id);
    try {
      await api.request("DELETE", `${route}/${encodeURIComponent(key.key_id)}`);
      // The secret of a revoked key is no use to copy, and is better off the screen.
      setCreated((shown) => (shown?.keyId === key.key_id ? null : shown));
      notify(`Revoked ${key.name}`, "success");
      await load();
      setRevoked(key.key_id);
    } catch (err) {
      setError(describe(err));
    } finally {
      setRevoking(null);
    }
  };
  return (
    <>
      <NewKeyForm
        route={route}
        onCreated={async (keyId, name, secret) => {
          setCreated({ keyId, name, secret });
          await load();
        }}
      />
      {created && (
        <div class="notice success" role="alert">
          Key “{created.name}” created. Copy it now, it is not shown again: <code class="mono">{created.secret}</code>{" "}
          <button ref={copyButton} type="button" class="secondary small" onClick={() => void navigator.clipboard?.writeText(created.secret)}>
            Copy
          </button>
        </div>
      )}
      <ErrorBox error={error} />
      <h2 id="keys-list-title" ref={listHeading} tabIndex={-1}>
        Keys
      </h2>
      {keys === null ? (
        <Loading what="keys" />
      ) : keys.length === 0 ? (
        <Empty>No keys yet. The admin key from PARLEY_ADMIN_TOKEN is not listed.</Empty>
      ) : (
        <div class="table-scroll" ref={list}>
          <table class="table" aria-labelledby="keys-list-title">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Scopes</th>
                <th scope="col">Bots</th>
                <th scope="col">Limit</th>
                <th scope="col">Created</th>
                <th scope="col"><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.key_id} class={key.revoked_at ? "revoked" : undefined}>
                  <th scope="row">{key.name}</th>
                  <td class="mono">{key.prefix ? `${key.prefix}…` : key.key_id}</td>
                  <td>{key.scopes.join(", ")}</td>
                  <td>{key.bots?.length ? key.bots.join(", ") : "all"}</td>
                  <td>{key.rate_limit ?? "default"}</td>
                  <td>{when(key.created_at)}</td>
                  <td>
                    {key.revoked_at ? (
                      <span class="muted">revoked {when(key.revoked_at)}</span>
                    ) : (
                      <button
                        type="button"
                        class="danger"
                        onClick={() => revoke(key)}
                        aria-label={`Revoke ${key.name}`}
                        data-key-id={key.key_id}
                        aria-disabled={revoking === key.key_id || undefined}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function NewKeyForm({
  route,
  onCreated,
}: {
  route: string;
  onCreated: (keyId: string, name: string, secret: string) => Promise<void>;
}) {
  const api = useApi();
  const [name, setName] = useState("");
  const [scope, setScope] = useState<"chat" | "admin">("chat");
  const [bots, setBots] = useState("");
  const [limit, setLimit] = useState("");
  const [error, setError] = useState<string | null>(null);
  // One request at a time: a double click (or Enter pressed twice) would create two keys and show
  // one secret, leaving a working key nobody holds. A ref, as the second click may come before the
  // render that marks the button busy.
  const [busy, setBusy] = useState(false);
  const pending = useRef(false);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (pending.current) return;
    pending.current = true;
    setBusy(true);
    try {
      const body = {
        name,
        scopes: [scope],
        bots: bots.split(",").map((b) => b.trim()).filter(Boolean),
        ...(limit ? { rate_limit: Number(limit) } : {}),
      };
      const answer = await api.request<{ key: string; api_key: ApiKey }>("POST", route, { json: body });
      setName("");
      setError(null);
      await onCreated(answer.api_key.key_id, answer.api_key.name, answer.key);
    } catch (err) {
      setError(describe(err));
    } finally {
      pending.current = false;
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="new-key-title">
      <h2 id="new-key-title">New key</h2>
      <div class="grid">
        <Field label="Name">{(id) => <TextInput id={id} value={name} onValue={setName} placeholder="website widget" required />}</Field>
        <Field label="Scope" hint="chat: talk to bots (fine in a web page, limited to bots). admin: everything.">
          {(id, aria) => (
            <select id={id} {...aria} value={scope} onChange={(e) => setScope(e.currentTarget.value as "chat" | "admin")}>
              <option value="chat">chat</option>
              <option value="admin">admin</option>
            </select>
          )}
        </Field>
        <Field label="Bots" hint="Comma-separated; empty: every bot.">{(id, aria) => <TextInput id={id} {...aria} value={bots} onValue={setBots} placeholder="pizzeria" />}</Field>
        <Field label="Requests per window" hint="Empty: the gateway's default.">
          {(id, aria) => <input id={id} {...aria} type="number" min="1" value={limit} onInput={(e) => setLimit(e.currentTarget.value)} />}
        </Field>
      </div>
      <ErrorBox error={error} />
      {/* aria-disabled while busy, not disabled: a disabled button would lose the keyboard focus. */}
      <button type="submit" disabled={!name.trim()} aria-disabled={busy || undefined}>
        {busy ? "Creating key…" : "Create key"}
      </button>
    </form>
  );
}
