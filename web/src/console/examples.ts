// Training examples and their entity spans: pure functions the intent editor builds on.
//
// Span offsets count code points, as the server does (Python's str): "😀" is one character there,
// where a JavaScript string counts two UTF-16 units. Every offset these functions take or give is
// a code point offset, so the draft holds the API's spans unchanged; only `chars` indexes a text.

import type { Example, Span } from "./types";

/** Where some words are in a text: code point offsets, `end` exclusive. */
export interface Place {
  start: number;
  end: number;
}

/** The text as code points, the units span offsets count. */
function chars(text: string): string[] {
  return Array.from(text);
}

/** The words `place` covers in `text`. */
export function spanText(text: string, place: Place): string {
  return chars(text).slice(place.start, place.end).join("");
}

export function exampleText(example: Example): string {
  return typeof example === "string" ? example : example.text;
}

export function exampleSpans(example: Example): Span[] {
  return typeof example === "string" ? [] : [...(example.entities ?? [])].sort((a, b) => a.start - b.start);
}

/** The compact form the server exports: a plain string when nothing is labelled. */
export function makeExample(text: string, spans: Span[]): Example {
  return spans.length ? { text, entities: [...spans].sort((a, b) => a.start - b.start) } : text;
}

export function overlaps(a: Place, b: Place): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Label text[start:end] as `entity`, trimming surrounding spaces; an error message when it can't. */
export function addSpan(example: Example, entity: string, start: number, end: number): Example | string {
  const text = chars(exampleText(example));
  while (start < end && /\s/.test(text[start] ?? "")) start += 1;
  while (end > start && /\s/.test(text[end - 1] ?? "")) end -= 1;
  if (start >= end) return "Select some text of the example first.";
  if (!entity) return "Choose an entity.";
  const spans = exampleSpans(example);
  if (spans.some((s) => overlaps(s, { start, end }))) return "That text overlaps a label; remove that label first.";
  return makeExample(exampleText(example), [...spans, { entity, start, end }]);
}

export function removeSpan(example: Example, index: number): Example {
  const spans = exampleSpans(example);
  spans.splice(index, 1);
  return makeExample(exampleText(example), spans);
}

/** Change an example's text, keeping each label on the same words when they are still there: in
 * the same place if they are, else where they first are and no kept label is. A label on whole
 * words moves only to whole words ("tea" does not go into "steak"). */
export function retext(example: Example, text: string): Example {
  const old = exampleText(example);
  const kept: Span[] = [];
  for (const span of exampleSpans(example)) {
    const words = spanText(old, span);
    const length = chars(words).length;
    const whole = atWordEdges(chars(old), span);
    const fits = (start: number): boolean => {
      const place = { start, end: start + length };
      return spanText(text, place) === words && (!whole || atWordEdges(chars(text), place)) && !kept.some((k) => overlaps(k, place));
    };
    const start = [span.start, ...occurrences(text, words)].find(fits);
    if (start !== undefined) kept.push({ ...span, start, end: start + length });
  }
  return makeExample(text, kept);
}

/** Letters, digits, combining marks and "_": characters that join with their neighbours into a word. */
const WORD_CHAR = "[\\p{L}\\p{N}\\p{M}_]";
const WORD = new RegExp(WORD_CHAR, "u");

function joined(before: string | undefined, after: string | undefined): boolean {
  return before !== undefined && after !== undefined && WORD.test(before) && WORD.test(after);
}

/** Whether `place` in the code points `text` starts and ends at word edges: "tea" in "a tea" does,
 * in "steak" it does not. */
function atWordEdges(text: string[], place: Place): boolean {
  return !joined(text[place.start - 1], text[place.start]) && !joined(text[place.end - 1], text[place.end]);
}

/** The code point offsets at which `words` occurs in `text`, first to last. */
function occurrences(text: string, words: string): number[] {
  const found: number[] = [];
  if (!words) return found;
  for (let at = text.indexOf(words); at >= 0; at = text.indexOf(words, at + 1)) found.push(chars(text.slice(0, at)).length);
  return found;
}

/** Where the typed `words` are whole words of `text`, ignoring case and the spaces around and
 * between them ("flat white" finds "Flat  White"), first to last. */
export function wordPlaces(text: string, words: string): Place[] {
  const typed = words.trim().split(/\s+/u).filter(Boolean);
  const [first] = typed;
  if (first === undefined) return [];
  const last = chars(typed[typed.length - 1]!).at(-1);
  const body = typed.map((word) => word.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("\\s+");
  // A typed word edge that is a letter must not continue a word of the text; "$5" may follow "costs ".
  const before = WORD.test(chars(first)[0]!) ? `(?<!${WORD_CHAR})` : "";
  const after = last !== undefined && WORD.test(last) ? `(?!${WORD_CHAR})` : "";
  return [...text.matchAll(new RegExp(before + body + after, "giu"))].map((match) => {
    const start = chars(text.slice(0, match.index)).length;
    return { start, end: start + chars(match[0]).length };
  });
}

/** Where the typed `words` can be labelled in `example`: their whole-word places that no label
 * covers, first to last; or why there is none. */
export function freePlaces(example: Example, words: string): Place[] | string {
  const typed = words.trim();
  if (!typed) return "Type the words to label.";
  const text = exampleText(example);
  const places = wordPlaces(text, typed);
  if (!places.length) {
    return text.toLowerCase().includes(typed.toLowerCase())
      ? `“${typed}” is not a whole word of the example. To label part of a word, select it in the example.`
      : `“${typed}” is not in the example.`;
  }
  const spans = exampleSpans(example);
  const free = places.filter((place) => !spans.some((span) => overlaps(span, place)));
  return free.length ? free : `“${typed}” is labelled already; remove that label first.`;
}

/** `place` in brackets with up to `around` words either side, to tell apart places of the same
 * words: "…and one [tea] for my…". */
export function placeInContext(text: string, place: Place, around = 2): string {
  const head = spanText(text, { start: 0, end: place.start });
  const tail = chars(text).slice(place.end).join("");
  const lead = new RegExp(`(?:\\S+\\s+){0,${around}}\\S*$`, "u").exec(head)?.[0] ?? "";
  const trail = new RegExp(`^\\S*(?:\\s+\\S+){0,${around}}`, "u").exec(tail)?.[0] ?? "";
  const more = (rest: string): string => (rest.trim() ? "…" : "");
  return `${more(head.slice(0, head.length - lead.length))}${lead}[${spanText(text, place)}]${trail}${more(tail.slice(trail.length))}`;
}

export interface Segment {
  text: string;
  span: Span | null;
  start: number;
}

/** The example cut into plain and labelled runs, for display. */
export function segments(example: Example): Segment[] {
  const text = chars(exampleText(example));
  const piece = (start: number, end?: number): string => text.slice(start, end).join("");
  const out: Segment[] = [];
  let at = 0;
  for (const span of exampleSpans(example)) {
    if (span.start < at || span.end <= span.start || span.end > text.length) continue; // malformed: show as plain text
    if (span.start > at) out.push({ text: piece(at, span.start), span: null, start: at });
    out.push({ text: piece(span.start, span.end), span, start: span.start });
    at = span.end;
  }
  if (at < text.length) out.push({ text: piece(at), span: null, start: at });
  return out;
}

/** Code point offsets of `range` inside `container`'s text, or null when the range leaves it. */
export function rangeOffsets(container: Node, range: Range): Place | null {
  if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) return null;
  const start = offsetOf(container, range.startContainer, range.startOffset);
  const end = offsetOf(container, range.endContainer, range.endOffset);
  return start <= end ? { start, end } : { start: end, end: start };
}

/** The words of one example that `range` selects: the part of the range inside the one
 * `.example-text[data-index]` of `list` it covers text of; null when it covers several or none. */
export function selectedExample(list: Element, range: Range): { index: number; start: number; end: number } | null {
  const covered = [...list.querySelectorAll<HTMLElement>(".example-text")]
    .filter((text) => range.intersectsNode(text))
    .map((text) => ({ text, offsets: rangeOffsets(text, clamp(range, text)) }))
    .filter(({ offsets }) => offsets !== null && offsets.end > offsets.start);
  const [only] = covered;
  if (covered.length !== 1 || !only?.offsets) return null;
  return { index: Number(only.text.dataset.index), ...only.offsets };
}

/** `range` cut to the contents of `container`. */
function clamp(range: Range, container: Node): Range {
  const inside = (container.ownerDocument ?? document).createRange();
  inside.selectNodeContents(container);
  if (range.compareBoundaryPoints(Range.START_TO_START, inside) > 0) inside.setStart(range.startContainer, range.startOffset);
  if (range.compareBoundaryPoints(Range.END_TO_END, inside) < 0) inside.setEnd(range.endContainer, range.endOffset);
  return inside;
}

function offsetOf(container: Node, node: Node, offset: number): number {
  // Measure the text before the point: a range from the container's start to (node, offset).
  const doc = container.ownerDocument ?? document;
  const before = doc.createRange();
  before.selectNodeContents(container);
  before.setEnd(node, offset);
  return chars(before.toString()).length; // the DOM counts UTF-16 units; spans count code points
}
