// What a draft changes against the saved definition, named for a question ("Discard the changes
// to intent greet, entity size?"): intents and entities by their id or name, then the rest.

import type { BotDefinition } from "./types";

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function changedItems<T>(kind: string, key: (item: T) => string, saved: T[] = [], draft: T[] = []): string[] {
  const before = new Map(saved.map((item) => [key(item), item]));
  const after = new Map(draft.map((item) => [key(item), item]));
  const names = [...new Set([...before.keys(), ...after.keys()])];
  const changed = names.filter((name) => !same(before.get(name), after.get(name))).map((name) => `${kind} ${name}`);
  // Same items, other order: the order is a change too.
  if (!changed.length && !same(saved.map(key), draft.map(key))) changed.push(`the order of the ${kind}s`);
  return changed;
}

export function changedParts(saved: BotDefinition, draft: BotDefinition): string[] {
  const parts = [
    ...changedItems("intent", (i) => i.id, saved.intents, draft.intents),
    ...changedItems("entity", (e) => e.name, saved.entities, draft.entities),
  ];
  if (!same(saved.settings, draft.settings)) parts.push("settings");
  const { intents: _i, entities: _e, settings: _s, ...savedRest } = saved;
  const { intents: _di, entities: _de, settings: _ds, ...draftRest } = draft;
  if (!same(savedRest, draftRest)) parts.push("description");
  return parts;
}

/** "the unsaved changes to cafe (intent greet, description)", for a question before they are
 * lost (Discard, replacing the bot from a file): names at most five parts, then how many more. */
export function unsavedChanges(bot: string, saved: BotDefinition | null, draft: BotDefinition | null): string {
  const parts = saved && draft ? changedParts(saved, draft) : [];
  const shown = parts.length > 5 ? `${parts.slice(0, 5).join(", ")} and ${parts.length - 5} more` : parts.join(", ");
  return `the unsaved changes to ${bot}${shown ? ` (${shown})` : ""}`;
}
