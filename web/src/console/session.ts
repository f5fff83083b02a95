// The admin key the console signs in with: this tab only (sessionStorage) unless the user asks
// to be remembered on this device (localStorage).

const KEY = "parley-console:token";

export function loadToken(): string | null {
  try {
    return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string, remember: boolean): void {
  try {
    sessionStorage.setItem(KEY, token);
    if (remember) localStorage.setItem(KEY, token);
  } catch {
    // storage disabled: signed in until the page is reloaded
  }
}

export function forgetToken(): void {
  try {
    sessionStorage.removeItem(KEY);
    localStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
}
