// The admin API (DESIGN.md §5) over fetch. Every failure becomes an `ApiError` with the server's
// stable code, message and details, or `network_error` when the server could not be reached.

import { resolveBase } from "./config";
import type {
  Analytics,
  BotDefinition,
  BotSummary,
  Conversation,
  ConversationQuery,
  ConversationSummary,
  ModelSummary,
  ParseResult,
  PublishedModel,
  TrainingJob,
} from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
    /** Seconds the server asks to wait before trying again (429, 503), when it says. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | undefined | null>;
type RequestInit = { body?: BodyInit; json?: unknown; query?: Query; headers?: Record<string, string> };

/**
 * What a save of a bot's definition may replace: `{ version }` only that version (`If-Match`, the
 * version the editor loaded), `"create"` only no bot (`If-None-Match: *`). Otherwise the server
 * answers 412 `precondition_failed`, with the bot's `current_version` (null: there is none).
 */
export type SaveCondition = { version: number } | "create";

/** The version an `ETag` names (`"5"`, also weak `W/"5"`); null without one. */
export function versionOfEtag(etag: string | null): number | null {
  const found = etag?.trim().match(/^(?:W\/)?"?(\d{1,15})"?$/);
  return found ? Number(found[1]) : null;
}

/** The 412 of a conditional save: the bot's version now, or null when it no longer exists. */
export function preconditionFailed(error: unknown): { currentVersion: number | null } | null {
  if (!(error instanceof ApiError) || error.status !== 412) return null;
  const details = error.details as { current_version?: unknown } | null;
  const version = details?.current_version;
  return { currentVersion: typeof version === "number" ? version : null };
}

export class Api {
  readonly base: string;
  onUnauthorized: () => void = () => {};

  constructor(apiBase: string, readonly token: string) {
    this.base = resolveBase(apiBase);
  }

  url(path: string, query: Query = {}): string {
    const url = new URL(path.replace(/^\//, ""), this.base);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, String(value));
    }
    return url.href;
  }

  async request<T>(method: string, path: string, init: RequestInit = {}): Promise<T> {
    const response = await this.send(method, path, init);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /** The response of a request that succeeded (2xx); anything else is thrown as an `ApiError`. */
  async send(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: "application/json",
      ...init.headers,
    };
    let body = init.body;
    if (init.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.json);
    }
    let response: Response;
    try {
      response = await fetch(this.url(path, init.query), { method, headers, body: body ?? null });
    } catch (error) {
      throw new ApiError(0, "network_error", `Cannot reach the Parley server at ${this.base} (${String(error)})`);
    }
    if (response.status === 401) this.onUnauthorized();
    if (!response.ok) throw await toError(response);
    return response;
  }

  listBots = () => this.request<BotSummary[]>("GET", "api/v1/bots");
  getBot = (bot: string, format: "native" | "acf" = "native") =>
    this.request<BotDefinition>("GET", `api/v1/bots/${enc(bot)}`, { query: { format } });
  /** The definition with its version (the `ETag`; null from a server that does not send it). */
  getBotVersioned = async (bot: string): Promise<{ definition: BotDefinition; version: number | null }> => {
    const response = await this.send("GET", `api/v1/bots/${enc(bot)}`, { query: { format: "native" } });
    return { definition: (await response.json()) as BotDefinition, version: versionOfEtag(response.headers.get("etag")) };
  };
  putBot = (bot: string, definition: BotDefinition, condition?: SaveCondition) =>
    this.request<BotSummary>("PUT", `api/v1/bots/${enc(bot)}`, {
      json: definition,
      headers:
        condition === "create" ? { "if-none-match": "*" } : condition ? { "if-match": `"${condition.version}"` } : {},
    });
  deleteBot = (bot: string) => this.request<void>("DELETE", `api/v1/bots/${enc(bot)}`);
  importBot = (bot: string, file: Blob) => {
    const form = new FormData();
    form.append("file", file);
    return this.request<BotSummary>("POST", `api/v1/bots/${enc(bot)}/import`, { body: form });
  };
  train = (bot: string, force = false) =>
    this.request<{ job_id: string; status: string }>("POST", `api/v1/bots/${enc(bot)}/train`, { json: { force } });
  trainingJob = (bot: string, jobId: string) =>
    this.request<TrainingJob>("GET", `api/v1/bots/${enc(bot)}/train/${enc(jobId)}`);
  /** The bot's models, newest first; the next page starts after `before_version`. */
  models = (bot: string, query: { limit?: number; before_version?: string }) =>
    this.request<ModelSummary[]>("GET", `api/v1/bots/${enc(bot)}/models`, { query });
  /** Serve an earlier model again: every replica serves it within seconds. */
  publishModel = (bot: string, version: string) =>
    this.request<PublishedModel>("POST", `api/v1/bots/${enc(bot)}/models/${enc(version)}/publish`);
  parse = (bot: string, text: string) =>
    this.request<ParseResult>("POST", `api/v1/bots/${enc(bot)}/parse`, { json: { text } });
  /** A page of the bot's conversations, newest first, filtered by the server (conversation-listing.ts). */
  conversations = (bot: string, query: ConversationQuery) =>
    this.request<ConversationSummary[]>("GET", `api/v1/bots/${enc(bot)}/conversations`, { query });
  conversation = (bot: string, id: string) =>
    this.request<Conversation>("GET", `api/v1/bots/${enc(bot)}/conversations/${enc(id)}`);
  /** Erase one conversation for a user who asks: its transcript, now and from the archives at their next run. */
  deleteConversation = (bot: string, id: string) =>
    this.request<void>("DELETE", `api/v1/bots/${enc(bot)}/conversations/${enc(id)}`);
  analytics = (bot: string, from: string, to: string) =>
    this.request<Analytics>("GET", `api/v1/bots/${enc(bot)}/analytics`, { query: { from, to } });

  /** The server's OpenAPI document (public): tells the console which optional routes exist. */
  async openapi(): Promise<{ paths: Record<string, Record<string, unknown>> }> {
    let last: unknown = null;
    for (const path of ["docs/openapi.json", "schema/openapi.json"]) {
      try {
        const response = await fetch(this.url(path));
        if (response.ok) return (await response.json()) as { paths: Record<string, Record<string, unknown>> };
        last = await toError(response);
      } catch (error) {
        last = error;
      }
    }
    throw last;
  }
}

const enc = encodeURIComponent;

async function toError(response: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error) {
      const { code = "error", message = response.statusText, details } = body.error;
      return new ApiError(response.status, code, message, details, retryAfter);
    }
  } catch {
    // not JSON
  }
  return new ApiError(response.status, `http_${response.status}`, `${response.status} ${response.statusText}`, null, retryAfter);
}

/** Retry-After as seconds from now: a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = /^\s*\d+\s*$/.test(value) ? Number(value) : (Date.parse(value) - now) / 1000;
  return Number.isFinite(seconds) ? Math.max(0, seconds) : null;
}

/**
 * `call()`, tried again while the server answers 429 (its rate limit), after the wait it asks for
 * (`onWait` is told); gives up after `attempts`, or when `signal` aborts.
 */
export async function retryRateLimited<T>(
  call: () => Promise<T>,
  options: { onWait?: (seconds: number) => void; signal?: AbortSignal; attempts?: number } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 429 || attempt >= (options.attempts ?? 10)) throw error;
      const seconds = error.retryAfter ?? 1;
      options.onWait?.(seconds);
      await wait(seconds * 1000, options.signal);
    }
  }
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true });
  });
}

/** A readable message for any error, with the server's field problems when it gave them. */
export function describe(error: unknown): string {
  if (error instanceof ApiError) {
    const details = Array.isArray(error.details)
      ? (error.details as { path?: string; message?: string }[])
          .map((d) => (d.path ? `${d.path}: ${d.message ?? ""}` : (d.message ?? "")))
          .filter(Boolean)
      : [];
    return [error.message, ...details.filter((d) => !error.message.includes(d))].join("\n");
  }
  return error instanceof Error ? error.message : String(error);
}
