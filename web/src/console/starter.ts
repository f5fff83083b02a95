// What "New bot" saves. The dialogue refuses a bot whose NLU would have nothing to learn (no intent
// with examples besides the fallback one), so a new bot starts as a new AI Chatbot Framework bot
// does: with the three intents the settings name by default, a greeting, an answer to what was not
// understood, and a way out of a form. Their examples make it trainable at once.

import type { BotDefinition } from "./types";

export function starterBot(name: string, description: string): BotDefinition {
  return {
    name,
    description,
    intents: [
      {
        id: "init_conversation",
        name: "Welcome",
        examples: ["hello", "hi", "hey there", "good morning"],
        replies: ["Hello! What can I do for you?"],
      },
      { id: "fallback", name: "Not understood", replies: ["Sorry, I did not understand that. Could you say it another way?"] },
      { id: "cancel", name: "Cancel", examples: ["cancel", "cancel that", "never mind"], replies: ["OK, cancelled."] },
    ],
    entities: [],
  };
}
