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
