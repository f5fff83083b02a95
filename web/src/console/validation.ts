// What the console refuses before saving: parts a bot author left empty (the server may accept
// them, but the bot would then answer nothing or show an empty button), and webhook headers typed
// with a line that does not read (the draft holds only the last headers that did).

import { type HeadersBox, unreadHeaders } from "./headers";
import type { BotDefinition } from "./types";

/**
 * Why Save is refused before anything is sent, one problem a line under what to do, each naming
 * its intent; null when nothing is. `headerBoxes`: the Headers boxes as typed, by intent id.
 */
export function saveRefusal(definition: BotDefinition, headerBoxes: Readonly<Record<string, HeadersBox>>): string | null {
  const empty = emptyParts(definition);
  const unread = unreadHeaders(definition.intents ?? [], headerBoxes).map(
    ({ intent, problem }) => `Intent ${intent}, webhook headers: ${problem}`,
  );
  const lines = [
    ...(empty.length ? ["Fill in or remove these first:", ...empty] : []),
    ...(unread.length ? ["Correct these headers first (nothing is saved while a line does not read):", ...unread] : []),
  ];
  return lines.length ? lines.join("\n") : null;
}

/** One readable line per empty reply variant, prompt variant, choice or button; none when all are filled in. */
export function emptyParts(definition: BotDefinition): string[] {
  const problems: string[] = [];
  for (const intent of definition.intents ?? []) {
    const where = `Intent ${intent.id}`;
    if (Array.isArray(intent.replies)) {
      intent.replies.forEach((reply, i) => {
        if (!reply.trim()) problems.push(`${where}: reply variant ${i + 1} is empty.`);
      });
    }
    for (const parameter of intent.parameters ?? []) {
      const named = `${where}, parameter ${parameter.name}`;
      if (Array.isArray(parameter.prompt)) {
        parameter.prompt.forEach((prompt, i) => {
          if (!prompt.trim()) problems.push(`${named}: prompt variant ${i + 1} is empty.`);
        });
      }
      // Each choice is also a quick-reply button.
      (parameter.choices ?? []).forEach((choice, i) => {
        if (!choice.trim()) problems.push(`${named}: choice ${i + 1} is empty.`);
      });
    }
    (intent.buttons ?? []).forEach((button, i) => {
      if (!button.title?.trim() || !button.payload?.trim()) problems.push(`${where}: button ${i + 1} needs a title and a payload.`);
    });
  }
  return problems;
}
