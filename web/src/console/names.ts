// Bot names as every service accepts them (libs/messages parley_messages/names.py,
// BOT_NAME_PATTERN; tests/test_bot_names.py checks this copy): they go into URLs and storage keys,
// so the console checks them before the server does.

export const BOT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const BOT_NAME_RULE = "Names are 1–64 letters, digits, “_” and “-”, starting with a letter or digit.";

/** Intent ids and entity names (the dialogue's `Name`): as bot names, and "." too. */
export const ITEM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const ITEM_NAME_RULE = "Use 1–64 letters, digits, “_”, “.” or “-”, starting with a letter or digit.";

/** A bot name from an uploaded file's name: extension dropped, every other character not allowed becomes "-". */
export function botNameFromFile(filename: string): string {
  return filename
    .replace(/(\.acf)?\.(json|ya?ml)$/i, "")
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/^[_-]+/, "")
    .slice(0, 64)
    .replace(/-+$/, "");
}
