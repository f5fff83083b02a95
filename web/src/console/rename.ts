// Renaming an intent or an entity together with everything in the definition that names it, so a
// mistyped id can be fixed without re-creating the item and losing its examples. A rename never
// changes what anything else refers to: the new name must be one the bot does not use yet.

import { ITEM_NAME, ITEM_NAME_RULE } from "./names";
import { INTENT_ROLES, roleIntent } from "./roles";
import type { BotDefinition, Example, Span } from "./types";

// A payload that triggers an intent: "/order_pizza", "/order_pizza{"size": "large"}". Read as
// saving checks one (parley_dialogue.validation: "/" and a whole name, whatever follows) and as
// the engine reads one (spaces may come first), so every payload either takes for the old id
// follows the rename.
const TRIGGER = /^(\s*\/)([A-Za-z0-9][A-Za-z0-9_.-]*)/;

/** The intent a payload or choice triggers, or null when it is plain text. */
export function triggered(payload: string): string | null {
  return TRIGGER.exec(payload)?.[2] ?? null;
}

/** `payload` triggering `to` where it triggered `from`; any other payload as it is. */
export function retarget(payload: string, from: string, to: string): string {
  const match = TRIGGER.exec(payload);
  if (!match || match[2] !== from) return payload;
  return `${match[1]}${to}${payload.slice(match[0].length)}`;
}

/** Why intent `from` cannot be renamed `to`; null when it can. */
export function intentRenameRefusal(definition: BotDefinition, from: string, to: string): string | null {
  if (!ITEM_NAME.test(to)) return ITEM_NAME_RULE;
  if (to === from) return null;
  if ((definition.intents ?? []).some((i) => i.id === to)) return `An intent “${to}” exists already.`;
  const role = INTENT_ROLES.find(({ key }) => roleIntent(definition.settings, key) === to)?.role;
  if (role) {
    return `“${to}” is the ${role} intent in Settings, though no intent has that id yet; renamed, this intent would become the ${role} intent. If that is what you want, choose it in Settings first.`;
  }
  if (payloads(definition).some((p) => triggered(p) === to)) {
    return `A button or choice triggers “${to}”, though no intent has that id yet; renamed, this intent would answer it.`;
  }
  return null;
}

/** The definition with intent `from` called `to`, and the settings, buttons and choices that name it. */
export function renameIntent(definition: BotDefinition, from: string, to: string): BotDefinition {
  const renamed = structuredClone(definition);
  for (const intent of renamed.intents ?? []) {
    if (intent.id === from) intent.id = to;
    for (const button of intent.buttons ?? []) button.payload = retarget(button.payload, from, to);
    for (const parameter of intent.parameters ?? []) {
      if (parameter.choices) parameter.choices = parameter.choices.map((choice) => retarget(choice, from, to));
    }
  }
  const named = INTENT_ROLES.filter(({ key }) => roleIntent(renamed.settings, key) === from);
  // A setting left unset names its default intent; once renamed, the intent keeps its role only if
  // the setting names it.
  if (named.length) renamed.settings = { ...renamed.settings, ...Object.fromEntries(named.map(({ key }) => [key, to])) };
  return renamed;
}

/** Why entity `from` cannot be renamed `to`; null when it can. */
export function entityRenameRefusal(definition: BotDefinition, from: string, to: string): string | null {
  if (!ITEM_NAME.test(to)) return ITEM_NAME_RULE;
  if (to === from) return null;
  if ((definition.entities ?? []).some((e) => e.name === to)) return `An entity “${to}” exists already.`;
  if (entityUses(definition).includes(to)) {
    return `Parameters or labels of this bot use “${to}” already (a built-in entity, or one not declared); renamed, this entity would become theirs.`;
  }
  return null;
}

/** The definition with entity `from` called `to`, and the parameters and labels that use it. */
export function renameEntity(definition: BotDefinition, from: string, to: string): BotDefinition {
  const renamed = structuredClone(definition);
  for (const entity of renamed.entities ?? []) if (entity.name === from) entity.name = to;
  for (const intent of renamed.intents ?? []) {
    for (const parameter of intent.parameters ?? []) if (parameter.entity === from) parameter.entity = to;
    for (const example of intent.examples ?? []) {
      for (const span of spansOf(example)) if (span.entity === from) span.entity = to;
    }
  }
  return renamed;
}

/** Every button payload and parameter choice of the bot (a choice is sent as it reads). */
function payloads(definition: BotDefinition): string[] {
  return (definition.intents ?? []).flatMap((intent) => [
    ...(intent.buttons ?? []).map((button) => button.payload),
    ...(intent.parameters ?? []).flatMap((parameter) => parameter.choices ?? []),
  ]);
}

/** The entity names parameters and labels use. */
function entityUses(definition: BotDefinition): string[] {
  return (definition.intents ?? []).flatMap((intent) => [
    ...(intent.parameters ?? []).flatMap((parameter) => (parameter.entity ? [parameter.entity] : [])),
    ...(intent.examples ?? []).flatMap((example) => spansOf(example).map((span) => span.entity)),
  ]);
}

function spansOf(example: Example): Span[] {
  return typeof example === "string" ? [] : (example.entities ?? []);
}
