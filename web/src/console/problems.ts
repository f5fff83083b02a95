// A refused save's problems, named as the author knows the items rather than by their positions.

import { messageLabel } from "./bot-messages";
import type { BotDefinition, Entity, Intent } from "./types";

/** What the server calls a list's items in its problem paths, as the editors name them. */
const ITEMS: Record<string, string> = {
  replies: "reply variant",
  prompt: "prompt variant",
  choices: "choice",
  buttons: "button",
  examples: "example",
  synonyms: "synonym",
};

/** One step of a problem path (`parameters[0]`), named as the author knows it: "parameter size". */
function nameStep(field: string, index: number, item: unknown, parent: string): string {
  const named = item as { name?: unknown; value?: unknown } | undefined;
  if (field === "parameters" && typeof named?.name === "string") return `parameter ${named.name}`;
  if (field === "values" && typeof named?.value === "string") return `value ${named.value}`;
  if (field === "entities" && parent === "examples") return `label ${index + 1}`;
  return `${ITEMS[field] ?? field} ${index + 1}`;
}

/** `intents[2].buttons[0].payload` named from `definition`: "Intent cancel, button 1 payload"; null
 * when the path does not lead into it. */
function namePath(path: string, definition: BotDefinition): string | null {
  const steps = [...path.matchAll(/([^.[\]]+)(?:\[(\d+)\])?/g)].map(([, field, index]) => ({
    field: field!,
    index: index === undefined ? null : Number(index),
  }));
  const [top, ...rest] = steps;
  if (!top || top.index === null) return null;
  const item = top.field === "intents" ? definition.intents?.[top.index] : definition.entities?.[top.index];
  if (!item) return null;
  const parts = [top.field === "intents" ? `Intent ${(item as Intent).id}` : `Entity ${(item as Entity).name}`];
  let node: unknown = item;
  let parent = top.field;
  for (const { field, index } of rest) {
    node = (node as Record<string, unknown> | undefined)?.[field];
    if (index === null) {
      // A field of the item named before it ("button 1 payload"), or of the intent or entity itself.
      if (parts.length > 1) parts[parts.length - 1] += ` ${field}`;
      else parts.push(field);
      continue;
    }
    node = Array.isArray(node) ? node[index] : undefined;
    parts.push(nameStep(field, index, node, parent));
    parent = field;
  }
  return parts.join(", ");
}

/**
 * A refused save's text with the server's problem paths (`intents[2].replies[0]: …`), positions an
 * author would have to count out, named from the definition that was sent: "Intent cancel, reply
 * variant 1: …"; a built-in message's as the Settings tab labels it. Other lines, and paths that
 * lead nowhere in it, stay as they are.
 */
export function nameProblemPaths(text: string, definition: BotDefinition | null): string {
  if (!definition) return text;
  return text
    .split("\n")
    .map((line) => {
      const message = /^(settings\.messages\.\w+): (.*)$/s.exec(line);
      const label = message ? messageLabel(message[1]!) : null;
      if (label) return `Settings, message “${label}”: ${message![2]}`;
      const found = /^((?:intents|entities)\[\d+\][^\s:]*): (.*)$/s.exec(line);
      const named = found ? namePath(found[1]!, definition) : null;
      return named ? `${named}: ${found![2]}` : line;
    })
    .join("\n");
}
