// A webhook's headers as the console edits them: one "Name: value" per line. A line that does not
// read as one is refused, not dropped, and Save is refused while a box holds one, so what is saved
// is what the box shows.

import type { Intent } from "./types";

export type HeadersRead = { headers: Record<string, string>; problem: null } | { headers: null; problem: string };

/** The headers as lines of text. */
export function formatHeaders(headers: Record<string, string> | undefined | null): string {
  return Object.entries(headers ?? {})
    .map(([name, value]) => `${name}: ${value}`)
    .join("\n");
}

/**
 * The headers `text` holds, or why it cannot be read: a line without a name before its colon, or a
 * header given twice (header names do not tell case apart, and the second would replace the first).
 * Blank lines are skipped; names and values lose their outer spaces.
 */
export function readHeaders(text: string): HeadersRead {
  const headers: Record<string, string> = {};
  const seen = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (!line.trim()) continue;
    const where = `Line ${index + 1} (“${line.trim()}”)`;
    const at = line.indexOf(":");
    const name = at < 0 ? "" : line.slice(0, at).trim();
    if (at < 0) return refuse(`${where} has no colon: write each header as “Name: value”.`);
    if (!name) return refuse(`${where} has no name before its colon: write each header as “Name: value”.`);
    const first = seen.get(name.toLowerCase());
    if (first !== undefined) return refuse(`${where} gives the header ${name} again (line ${first}): keep one.`);
    seen.set(name.toLowerCase(), index + 1);
    headers[name] = line.slice(at + 1).trim();
  }
  return { headers, problem: null };
}

function refuse(problem: string): HeadersRead {
  return { headers: null, problem };
}

/** The headers box: the text shown, and the draft's headers it was last in step with. */
export interface HeadersBox {
  text: string;
  /** `formatHeaders` of the draft's headers when the box last read them or wrote them. */
  drafted: string;
  problem: string | null;
}

export function headersBox(headers: Record<string, string> | undefined | null): HeadersBox {
  const text = formatHeaders(headers);
  return { text, drafted: text, problem: null };
}

/**
 * The box as it should show `headers`, the draft's now: unchanged while the draft holds what the
 * box last wrote (its text may hold more: a line being written, a line it refused); the draft's
 * headers once they changed from outside the box (Discard, Reload, the action switched off and on).
 */
export function followDraft(box: HeadersBox, headers: Record<string, string> | undefined | null): HeadersBox {
  return formatHeaders(headers) === box.drafted ? box : headersBox(headers);
}

/**
 * `box` after the user typed `text`, and the headers to write to the draft: null when a line is
 * refused, and then the draft keeps the headers it had, and nothing from the box is saved.
 */
export function typeHeaders(box: HeadersBox, text: string): { box: HeadersBox; write: Record<string, string> | null } {
  const read = readHeaders(text);
  if (read.problem !== null) return { box: { text, drafted: box.drafted, problem: read.problem }, write: null };
  return { box: { text, drafted: formatHeaders(read.headers), problem: null }, write: read.headers };
}

/**
 * The intents whose Headers box in `boxes` (by intent id) holds a line that does not read, with why:
 * what Save refuses. A box whose intent is gone or has no webhook, or whose draft's headers changed
 * from outside since it was typed in (it shows those now), refuses nothing.
 */
export function unreadHeaders(
  intents: readonly Intent[],
  boxes: Readonly<Record<string, HeadersBox>>,
): { intent: string; problem: string }[] {
  return intents.flatMap((intent) => {
    const box = boxes[intent.id];
    const problem = box && intent.action ? followDraft(box, intent.action.headers).problem : null;
    return problem === null ? [] : [{ intent: intent.id, problem }];
  });
}
