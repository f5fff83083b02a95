// The native bot definition (services/dialogue/README.md), as loosely as authors may write it.
// The console edits the exported document in place, so fields it does not know survive a save.

import type { Button } from "../shared/protocol";

export interface Span {
  entity: string;
  start: number;
  end: number;
  value?: string | null;
  text?: string | null;
}

export type Example = string | { text: string; entities?: Span[] };

export interface Parameter {
  name: string;
  entity?: string | null;
  required?: boolean;
  prompt?: string[] | string;
  multiple?: boolean;
  choices?: string[];
  pattern?: string | null;
  /** For the built-in time: the times it takes, `HH:MM-HH:MM`. */
  hours?: string | null;
}

export interface Action {
  url: string;
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  headers?: Record<string, string>;
  body?: string | null;
  json?: boolean;
  send_slots?: boolean;
  timeout?: number;
}

export interface Intent {
  id: string;
  name?: string;
  examples?: Example[];
  parameters?: Parameter[];
  replies?: string[] | string;
  buttons?: Button[];
  action?: Action | null;
}

export interface EntityValueDef {
  value: string;
  synonyms?: string[];
}

export interface Entity {
  name: string;
  values?: EntityValueDef[];
  pattern?: string | null;
}

export interface BotSettings {
  fallback_threshold?: number;
  welcome_intent?: string;
  fallback_intent?: string;
  cancel_intent?: string;
  interruption?: "resume" | "drop";
  chat_access?: "public" | "key";
  /** IANA name: where relative dates are read when a message names no zone (absent: UTC). */
  timezone?: string | null;
  /** The built-in sentences by name (bot-messages.ts): left out, the default; empty, nothing. */
  messages?: Record<string, string>;
}

export interface BotDefinition {
  name: string;
  description?: string;
  settings?: BotSettings;
  intents?: Intent[];
  entities?: Entity[];
}

export interface BotSummary {
  name: string;
  version: number;
  intents: number;
  entities: number;
  updated_at: string;
  description?: string;
  chat_access?: string;
}

export interface TrainingJob {
  job_id: string;
  bot?: string;
  status: "queued" | "running" | "succeeded" | "failed" | "rejected";
  created_at?: string;
  started_at?: string;
  finished_at?: string;
  model_version?: string;
  metrics?: Record<string, unknown>;
  error?: string;
}

/** One of a bot's models (`GET /bots/{bot}/models`; services/gateway/README.md). */
export interface ModelSummary {
  bot: string;
  version: string;
  /** `retired`: its bot was deleted; it is never served again. */
  status: "published" | "retired";
  served: boolean;
  /** When it was trained (for a re-published one, when the model it re-publishes was). */
  created_at: string;
  /** When its training was requested or it was published again; null in old models. */
  requested_at?: string | null;
  job_id?: string | null;
  metrics?: Record<string, number>;
  /** How many intents it tells apart; null in models registered before they were recorded. */
  intents?: number | null;
  intent_names?: string[];
  /** The version this one serves again, when it is a re-publication. */
  republished_from?: string | null;
}

/** How a model's intents differ from the bot's (null when the model did not record them). */
export interface IntentDifferences {
  intents_not_in_model: string[];
  intents_not_in_bot: string[];
}

/** What `POST /bots/{bot}/models/{version}/publish` answers: the model served now. */
export interface PublishedModel extends ModelSummary {
  differences?: IntentDifferences | null;
}

export interface ParseResult {
  intent: { name: string; confidence: number };
  ranking: { name: string; confidence: number }[];
  entities: { entity: string; value: unknown; start: number; end: number; confidence?: number }[];
  model_version?: string;
}

export interface ConversationSummary {
  bot: string;
  conversation_id: string;
  channel?: string;
  first_turn_at?: string;
  last_turn_at?: string;
  turn_count?: number;
}

/** What `GET /bots/{bot}/conversations` takes; a parameter left out does not filter. */
export type ConversationQuery = {
  limit: number;
  /** Only conversations with a turn whose user text or a reply holds this, in any case: trimmed, 1–200 characters. */
  q?: string;
  intent?: string;
  /** The period the last turn is in: RFC 3339 times (a time `to` is the first instant after it) or
   * UTC dates (a date `to` includes its day). */
  from?: string;
  to?: string;
  /** The last listed conversation's `last_turn_at` and `conversation_id`: the page after it. */
  before?: string;
  before_id?: string;
};

export interface Turn {
  event_id: string;
  at: string;
  user_text: string;
  replies: string[];
  intent?: string | null;
  confidence?: number | null;
  entities?: { entity: string; value: unknown }[];
  slots?: Record<string, unknown>;
  complete?: boolean;
  fallback?: boolean;
  latency_ms?: number;
  channel?: string;
  /** The conversation's greeting, said before the user said anything (`user_text` is empty). */
  welcome?: boolean;
}

export interface Conversation extends ConversationSummary {
  turns: Turn[];
}

export interface AnalyticsDay {
  day: string;
  turns: number;
  conversations: number;
  fallback_rate: number;
  mean_confidence: number | null;
  mean_latency_ms: number | null;
  completed: number;
  models_published: number;
  intents: Record<string, number>;
  channels: Record<string, number>;
}

export interface Analytics {
  bot: string;
  from: string;
  to: string;
  days: AnalyticsDay[];
}
