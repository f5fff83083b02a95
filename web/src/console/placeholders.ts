// What the editors show in an empty box: an example made of the intent's own names, not another
// bot's (every bot was shown "A {{ parameters.size }} pizza is on its way").

import type { Intent } from "./types";

const spoken = (name: string): string => name.replace(/_/g, " ").trim();

/** A reply: with the intent's first named parameter in it when it has one, as templates write it. */
export function replyPlaceholder(intent: Intent): string {
  const parameter = (intent.parameters ?? []).find((p) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(p.name));
  if (!parameter) return "What the bot says. ### A second message, if it needs one.";
  return `Done: {{ parameters.${parameter.name} }}. ### Anything else?`;
}

/** A parameter's prompt: what the box is for, naming the parameter once it has a name. */
export function promptPlaceholder(name: string): string {
  return spoken(name) ? `What the bot asks for the ${spoken(name)}` : "What the bot asks for it";
}
