// Where the console finds the Parley API. Served by the gateway, the API is the same origin. Deployed
// elsewhere (S3/CloudFront), `config.json` next to index.html names it — editable without a rebuild —
// and the sign-in form can override it per browser.

export interface ConsoleConfig {
  apiBase: string;
}

const OVERRIDE_KEY = "parley-console:api-base";

export async function loadConfig(): Promise<ConsoleConfig> {
  const override = readOverride();
  if (override) return { apiBase: override };
  try {
    const response = await fetch("./config.json", { cache: "no-cache" });
    if (response.ok) {
      const data = (await response.json()) as Partial<ConsoleConfig>;
      if (typeof data.apiBase === "string") return { apiBase: data.apiBase };
    }
  } catch {
    // no config.json: same origin
  }
  return { apiBase: "" };
}

export function saveOverride(apiBase: string): void {
  try {
    if (apiBase) localStorage.setItem(OVERRIDE_KEY, apiBase);
    else localStorage.removeItem(OVERRIDE_KEY);
  } catch {
    // storage disabled: the value lasts for this page only
  }
}

function readOverride(): string | null {
  try {
    return localStorage.getItem(OVERRIDE_KEY);
  } catch {
    return null;
  }
}

/** The absolute base URL (ending in "/") that API paths are resolved against. */
export function resolveBase(apiBase: string): string {
  const url = new URL(apiBase || "/", location.href);
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  url.search = "";
  url.hash = "";
  return url.href;
}
