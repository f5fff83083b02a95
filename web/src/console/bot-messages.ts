// The bot's built-in sentences (`settings.messages`, services/dialogue/README.md): what it says where
// none of its intents speaks, each a template the bot may word its own way. The server reads a
// message left out as its default, and an empty one as saying nothing (only where that is allowed):
// so a message cleared in the editor is left out, and "Say nothing" is the empty string.

import type { BotSettings } from "./types";

export interface TemplateVariable {
  name: string;
  meaning: string;
}

export interface BuiltInMessage {
  key: string;
  /** What the editor calls it. */
  label: string;
  /** When the bot says it. */
  when: string;
  /** What the bot says when the message is left out (parley_dialogue.definition.Messages). */
  default: string;
  /** What its template sees besides `context` and `parameters`. */
  variables: TemplateVariable[];
  /** What happens instead when it says nothing; null: it must say something. */
  nothing: string | null;
}

/** What every message's template sees, as replies do. */
export const COMMON_VARIABLES: readonly TemplateVariable[] = [
  { name: "parameters", meaning: "the values the conversation holds, by parameter name (also slots)" },
  { name: "context", meaning: "what the client sent as context" },
];

/** In the order of `Messages` in services/dialogue (bot-messages.test.ts holds the defaults equal). */
export const BUILT_IN_MESSAGES: readonly BuiltInMessage[] = [
  {
    key: "corrected",
    label: "A value was replaced",
    when: "Said when a reply replaced a parameter's value, before the form goes on.",
    default: "OK, {{ value }} instead of {{ previous }}.",
    variables: [
      { name: "parameter", meaning: "the parameter's name" },
      { name: "value", meaning: "its new value as a user says it (a date “Tuesday 1 December”, a list “a, b”)" },
      { name: "previous", meaning: "the value it replaced, shown the same way" },
    ],
    nothing: "the form goes on without a word",
  },
  {
    key: "not_a_choice",
    label: "Not one of the options",
    when: "Said before a parameter is asked for again because its choices do not offer the value given.",
    default: "Sorry, {{ value }} is not one of the options.",
    variables: [
      { name: "parameter", meaning: "the parameter's name" },
      { name: "value", meaning: "the value given, as a user says it" },
    ],
    nothing: "only the prompt is repeated",
  },
  {
    key: "not_understood",
    label: "Nothing the form could take",
    when: "Said before a prompt is repeated because the reply gave nothing the form could take.",
    default:
      "Sorry, I didn't understand that." +
      "{% if options %} The options are {{ options | join(', ') }}" +
      "{% if more %} and {{ more }} more{% endif %}.{% endif %}",
    variables: [
      {
        name: "options",
        meaning: "up to five of the parameter's choices, or else of its entity's values (none for a built-in, pattern or free-text parameter)",
      },
      { name: "more", meaning: "how many other options there are" },
    ],
    nothing: "only the prompt is repeated",
  },
  {
    key: "outside_hours",
    label: "A time outside its hours",
    when: "Said before a time parameter is asked for again because the time given is outside its hours.",
    default: "Sorry, {{ value }} is not between {{ earliest }} and {{ latest }}.",
    variables: [
      { name: "parameter", meaning: "the parameter's name" },
      { name: "value", meaning: "the time given (HH:MM)" },
      { name: "earliest", meaning: "the first time its hours take (HH:MM)" },
      { name: "latest", meaning: "the last time its hours take (HH:MM)" },
    ],
    nothing: "only the prompt is repeated",
  },
  {
    key: "so_far",
    label: "What was chosen so far",
    when: "Said before the prompt when a reply asks what has been chosen so far (“what did I order?”, “recap”).",
    default: "{% if chosen %}So far: {{ chosen | join(', ') }}.{% else %}Nothing is chosen yet.{% endif %}",
    variables: [{ name: "chosen", meaning: "the form's filled parameters, each as “name value”, in their order" }],
    nothing: "only the prompt is repeated",
  },
  {
    key: "action_failed",
    label: "A webhook failed",
    when: "Said when an intent's webhook failed or could not be queued; the form's values are kept, and trying again runs it again.",
    default: "Service is not available. Please try again later.",
    variables: [],
    nothing: null,
  },
];

/** What the bot says for a message: the default (left out), nothing (empty), or its own wording. */
export type Wording = { kind: "default" } | { kind: "nothing" } | { kind: "own"; text: string };

export function wordingOf(settings: BotSettings | undefined, key: string): Wording {
  const text = settings?.messages?.[key];
  if (typeof text !== "string") return { kind: "default" };
  return text === "" ? { kind: "nothing" } : { kind: "own", text };
}

/**
 * Word the message `key` in `settings` (a draft's, changed in place). Text left empty is the default:
 * the message is left out, as is `messages` once it holds none, so the server says the default.
 */
export function setWording(settings: BotSettings, key: string, wording: Wording): void {
  const messages = { ...(settings.messages ?? {}) };
  if (wording.kind === "own" && wording.text !== "") messages[key] = wording.text;
  else if (wording.kind === "nothing") messages[key] = "";
  else delete messages[key];
  if (Object.keys(messages).length) settings.messages = messages;
  else delete settings.messages;
}

/**
 * Why the server would refuse `message` worded so: blank, or saying nothing where it must say
 * something (its template's own problems are the server's to find); null when it would not.
 */
export function messageProblem(message: BuiltInMessage, wording: Wording): string | null {
  const where = `Settings, message “${message.label}”`;
  if (wording.kind === "own" && !wording.text.trim()) {
    const or = message.nothing ? "tick “Say nothing”, or clear it for the default" : "clear it for the default";
    return `${where} is blank: write the sentence, ${or}.`;
  }
  if (wording.kind === "nothing" && message.nothing === null) {
    return `${where} must say something: write the sentence, or clear it for the default.`;
  }
  return null;
}

/** One readable line per message of `settings` that `messageProblem` finds. */
export function messageProblems(settings: BotSettings | undefined): string[] {
  return BUILT_IN_MESSAGES.map((message) => messageProblem(message, wordingOf(settings, message.key))).filter(
    (problem): problem is string => problem !== null,
  );
}

/** The label of the message a problem path (`settings.messages.not_a_choice`) names; null for others. */
export function messageLabel(path: string): string | null {
  const key = /^settings\.messages\.(\w+)$/.exec(path)?.[1];
  return BUILT_IN_MESSAGES.find((message) => message.key === key)?.label ?? null;
}
