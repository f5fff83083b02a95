// Bot messages are text. Bot authors may use a few formatting tags (AI Chatbot Framework bots use
// <b>); those are recognised here and turned into elements by the callers — everything else,
// including any other markup, stays literal text. Nothing is ever parsed as HTML (no innerHTML).

export type Style = "strong" | "em";

export type Token =
  | { kind: "text"; text: string; styles: readonly Style[] }
  | { kind: "break" };

const TAG = /<(\/?)(b|strong|i|em)>|<br\s*\/?>|\n/gi;
const STYLE_OF: Record<string, Style> = { b: "strong", strong: "strong", i: "em", em: "em" };

/** Split `text` into runs of literal text with their styles, and line breaks. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const open: Style[] = [];
  let last = 0;
  const push = (chunk: string): void => {
    if (chunk) tokens.push({ kind: "text", text: chunk, styles: [...open] });
  };
  for (const match of text.matchAll(TAG)) {
    push(text.slice(last, match.index));
    last = match.index + match[0].length;
    const name = match[2]?.toLowerCase();
    if (name === undefined) {
      tokens.push({ kind: "break" });
      continue;
    }
    const style = STYLE_OF[name] as Style;
    if (match[1] === "/") {
      const at = open.lastIndexOf(style);
      if (at >= 0) open.splice(at, 1);
      else push(match[0]); // a stray closing tag is just text
    } else {
      open.push(style);
    }
  }
  push(text.slice(last));
  return tokens;
}

/** Append `text` to `parent` as DOM nodes built from the tokens (text nodes, <strong>, <em>, <br>). */
export function appendRichText(parent: Node, text: string): void {
  const doc = parent.ownerDocument ?? document;
  for (const token of tokenize(text)) {
    if (token.kind === "break") {
      parent.appendChild(doc.createElement("br"));
      continue;
    }
    let node: Node = doc.createTextNode(token.text);
    for (const style of [...token.styles].reverse()) {
      const wrapper = doc.createElement(style);
      wrapper.appendChild(node);
      node = wrapper;
    }
    parent.appendChild(node);
  }
}
