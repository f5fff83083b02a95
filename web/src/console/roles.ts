// The settings that give an intent a role, and the intent each names when it is unset
// (parley_dialogue.definition.Settings; bot_rules._ROLES).

import type { BotSettings } from "./types";

export type IntentSetting = "welcome_intent" | "fallback_intent" | "cancel_intent";

export const INTENT_ROLES: readonly { key: IntentSetting; unset: string; role: string }[] = [
  { key: "welcome_intent", unset: "init_conversation", role: "welcome" },
  { key: "fallback_intent", unset: "fallback", role: "fallback" },
  { key: "cancel_intent", unset: "cancel", role: "cancel" },
];

/** The intent a setting names when it is unset. */
export function unsetIntent(key: IntentSetting): string {
  return INTENT_ROLES.find((r) => r.key === key)!.unset;
}

/** The intent a setting names: the one chosen, or its default when unset. */
export function roleIntent(settings: BotSettings | undefined, key: IntentSetting): string {
  return settings?.[key] ?? unsetIntent(key);
}
