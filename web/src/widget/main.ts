// The embeddable chat widget. One tag on any page:
//   <script src="https://parley.example.com/widget.js" data-bot="pizzeria" defer></script>
// Optional: data-server (default: where widget.js came from), data-title, data-open="true",
// data-key (a chat-scoped key, for bots whose chat_access is `key`), data-context (a JSON object the
// bot's templates see as `context`, from the welcome on), data-mount="false" (only define
// <parley-chat> and place it yourself).

import { ParleyChatElement } from "./element";

const TAG = "parley-chat";

function mountFrom(script: HTMLScriptElement): void {
  const data = script.dataset;
  if (data.mount === "false" || !data.bot) return;
  const chat = document.createElement(TAG);
  chat.setAttribute("bot", data.bot);
  chat.setAttribute("server", data.server ?? new URL(".", script.src || location.href).href);
  if (data.title) chat.setAttribute("title", data.title);
  if (data.key) chat.setAttribute("key", data.key);
  if (data.context) chat.setAttribute("context", data.context);
  if (data.open === "true") chat.setAttribute("open", "");
  const place = (): void => void document.body.append(chat);
  if (document.body) place();
  else document.addEventListener("DOMContentLoaded", place, { once: true });
}

if (!customElements.get(TAG)) customElements.define(TAG, ParleyChatElement);
const script = document.currentScript;
if (script instanceof HTMLScriptElement) mountFrom(script);

function first(): ParleyChatElement | null {
  return document.querySelector(TAG);
}

export const open = (): void => first()?.toggle(true);
export const close = (): void => first()?.toggle(false);
/** Send `text` for the visitor; the panel opens, so they see it and its answer. */
export const send = (text: string): void => {
  const chat = first();
  chat?.toggle(true, false);
  chat?.send(text);
};
