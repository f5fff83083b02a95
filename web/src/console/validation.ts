// What the console refuses before saving: parts a bot author left empty (the server may accept
// them, but the bot would then answer nothing, show an empty button, or ask users "What is the
// param1?"), and webhook headers typed with a line that does not read (the draft holds only the
// last headers that did).

import { messageProblems } from "./bot-messages";
import { type HeadersBox, unreadHeaders } from "./headers";
import type { BotDefinition, Parameter } from "./types";

const promptsOf = (parameter: Parameter): string[] =>
  typeof parameter.prompt === "string" ? [parameter.prompt] : (parameter.prompt ?? []);

/** Whether the parameter has a prompt of its own; without one the bot asks "What is the <name>?". */
export function hasPrompt(parameter: Parameter): boolean {
  return promptsOf(parameter).some((prompt) => prompt.trim() !== "");
}

/**
 * A parameter's unnamed or empty parts, the `index`th of the intent `where` names. A required one
 * needs a prompt: the bot's own "What is the param1?" is rarely what an author means it to ask.
 */
function parameterProblems(where: string, parameter: Parameter, index: number): string[] {
  const problems: string[] = [];
  if (!parameter.name.trim()) problems.push(`${where}: parameter ${index + 1} needs a name.`);
  const named = `${where}, parameter ${parameter.name.trim() || index + 1}`;
  const prompts = promptsOf(parameter);
  if ((parameter.required ?? true) && prompts.length === 0) {
    problems.push(`${named}: it is required, so the bot asks for it: write a prompt, or untick Required.`);
  }
  prompts.forEach((prompt, i) => {
    if (!prompt.trim()) problems.push(`${named}: prompt variant ${i + 1} is empty.`);
  });
  // Each choice is also a quick-reply button.
  (parameter.choices ?? []).forEach((choice, i) => {
    if (!choice.trim()) problems.push(`${named}: choice ${i + 1} is empty.`);
  });
  return problems;
}

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

/**
 * One readable line per empty reply variant, prompt variant, choice or button, parameter without a
 * name, required parameter without a prompt, and blank built-in message; none when all are filled in.
 */
export function emptyParts(definition: BotDefinition): string[] {
  const problems: string[] = [];
  for (const intent of definition.intents ?? []) {
    const where = `Intent ${intent.id}`;
    if (Array.isArray(intent.replies)) {
      intent.replies.forEach((reply, i) => {
        if (!reply.trim()) problems.push(`${where}: reply variant ${i + 1} is empty.`);
      });
    }
    (intent.parameters ?? []).forEach((parameter, index) => problems.push(...parameterProblems(where, parameter, index)));
    (intent.buttons ?? []).forEach((button, i) => {
      if (!button.title?.trim() || !button.payload?.trim()) problems.push(`${where}: button ${i + 1} needs a title and a payload.`);
    });
  }
  problems.push(...messageProblems(definition.settings));
  return problems;
}
