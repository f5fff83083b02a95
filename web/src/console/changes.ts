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
