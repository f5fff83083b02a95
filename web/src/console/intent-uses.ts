// What in a bot points at one of its intents: the buttons and choices that trigger it, and the
// settings that name it, each said where it is, so deleting the intent can say what it leaves behind.

import { triggered } from "./rename";
import { INTENT_ROLES, type IntentSetting, roleIntent, unsetIntent } from "./roles";
import type { BotDefinition } from "./types";

/** One thing that points at an intent, in words; `refused`: Save refuses the bot without the intent. */
export interface IntentUse {
  where: string;
  refused: boolean;
  /** For a setting: which. */
  setting?: IntentSetting;
}

/** What a bot does without the intent a setting names by default (parley_dialogue.bot_rules._ROLES). */
const WITHOUT: Record<IntentSetting, string> = {
  welcome_intent: "the bot greets no one",
  fallback_intent: "the bot answers what it did not understand with a built-in sentence",
  cancel_intent: "the bot has no cancel intent",
};

/** The buttons and choices of other intents that trigger `id`, and the settings that name it. */
export function intentUses(definition: BotDefinition, id: string): IntentUse[] {
  const uses: IntentUse[] = [];
  for (const intent of definition.intents ?? []) {
    if (intent.id === id) continue; // its own buttons and choices go with it
    (intent.buttons ?? []).forEach((button, i) => {
      const title = button.title?.trim() ? `“${button.title}”` : `${i + 1}`;
      if (triggered(button.payload) === id) uses.push({ where: `button ${title} of intent ${intent.id}`, refused: true });
    });
    for (const parameter of intent.parameters ?? []) {
      for (const choice of parameter.choices ?? []) {
        if (triggered(choice) === id) {
          uses.push({ where: `choice “${choice}” of parameter ${parameter.name} of intent ${intent.id}`, refused: true });
        }
      }
    }
  }
  for (const { key, role } of INTENT_ROLES) {
    if (roleIntent(definition.settings, key) !== id) continue;
    // A setting may name its default intent without the bot having it: the bot then goes without.
    uses.push({ where: `the ${role} intent in Settings`, refused: id !== unsetIntent(key), setting: key });
  }
  return uses;
}

/** The question to ask before deleting intent `id`: what points at it, and what follows. */
export function deleteIntentQuestion(definition: BotDefinition, id: string): string {
  const uses = intentUses(definition, id);
  if (!uses.length) return `Delete the intent “${id}”?`;
  const refused = uses.filter((u) => u.refused);
  const roles = uses.filter((u) => !u.refused);
  const lines = [`Delete the intent “${id}”?`];
  if (refused.length) {
    lines.push("These trigger or name it, and Save will refuse the bot until each is changed or removed:", ...refused.map((u) => `• ${u.where}`));
  }
  if (roles.length) {
    const after = roles.map((u) => (u.setting ? WITHOUT[u.setting] : "")).join(", and ");
    lines.push(`It is ${roles.map((u) => u.where).join(" and ")}: without it, ${after}.`);
  }
  return lines.join("\n");
}
