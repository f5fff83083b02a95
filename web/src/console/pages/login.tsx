import { useState } from "preact/hooks";
import { Api, describe } from "../api";
import { ErrorBox, Field, TextInput } from "../components/ui";
import { saveOverride } from "../config";
import { saveToken } from "../session";

export function LoginPage(props: { apiBase: string; expired: boolean; onSignedIn: (apiBase: string, token: string) => void }) {
  const [apiBase, setApiBase] = useState(props.apiBase);
  const [token, setToken] = useState("");
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await new Api(apiBase, token.trim()).listBots(); // proves both the server and the key
      if (apiBase !== props.apiBase) saveOverride(apiBase);
      saveToken(token.trim(), remember);
      props.onSignedIn(apiBase, token.trim());
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login" id="main">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Parley console</h1>
        {props.expired && <p class="notice error">Your admin key was refused; sign in again.</p>}
        <Field label="Admin key" hint="PARLEY_ADMIN_TOKEN, or the key the embedded runner printed at start.">
          {(id) => <input id={id} type="password" required autoComplete="current-password" value={token} onInput={(e) => setToken(e.currentTarget.value)} />}
        </Field>
        <details>
          <summary>Server</summary>
          <Field label="API base URL" hint="Empty: the server this console is served from.">
            {(id) => <TextInput id={id} value={apiBase} onValue={setApiBase} placeholder="https://parley.example.com" />}
          </Field>
        </details>
        <label class="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} /> Remember on
          this device
        </label>
        <ErrorBox error={error} />
        <button type="submit" disabled={busy || !token.trim()}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
