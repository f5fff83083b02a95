import { describe, expect, it } from "vitest";
import type { BotMessageFrame } from "../shared/protocol";
import { type TurnView, placeFrame, placeParse, userTurn, waiting } from "./chat-turns";

const reply = (text: string): BotMessageFrame => ({ type: "bot_message", conversation_id: "c1", messages: [{ text }] });
const counter = (): (() => number) => {
  let n = 100;
  return () => ++n;
};

describe("placeFrame", () => {
  it("answers the user's messages in order", () => {
    let turns: TurnView[] = [userTurn(1, "hello"), userTurn(2, "I want a latte")];
    const id = counter();
    turns = placeFrame(turns, reply("Hi!"), false, id);
    turns = placeFrame(turns, reply("One latte."), false, id);
    expect(turns.map((t) => [t.text, t.reply?.messages[0]?.text])).toEqual([
      ["hello", "Hi!"],
      ["I want a latte", "One latte."],
    ]);
  });

  it("keeps the reply with its turn when the console's parse of that turn failed", () => {
    let turns: TurnView[] = [userTurn(1, "hello"), userTurn(2, "I want a latte")];
    const id = counter();
    turns = placeParse(turns, 1, null, "boom");
    turns = placeFrame(turns, reply("Hi!"), false, id);
    turns = placeParse(turns, 2, null, "boom");
    turns = placeFrame(turns, reply("One latte."), false, id);
    expect(turns).toHaveLength(2);
    expect(turns.map((t) => [t.text, t.reply?.messages[0]?.text, t.parseError, t.error])).toEqual([
      ["hello", "Hi!", "boom", null],
      ["I want a latte", "One latte.", "boom", null],
    ]);
    expect(turns.some(waiting)).toBe(false);
  });

  it("gives an error frame to the turn it answers, and the next frame to the next turn", () => {
    let turns: TurnView[] = [userTurn(1, "one"), userTurn(2, "two")];
    const id = counter();
    turns = placeFrame(turns, { type: "error", code: "rate_limited", message: "Slow down." }, false, id);
    turns = placeFrame(turns, reply("Two."), false, id);
    expect(turns.map((t) => [t.text, t.error, t.reply?.messages[0]?.text ?? null])).toEqual([
      ["one", "Slow down.", null],
      ["two", null, "Two."],
    ]);
  });

  it("puts a welcome before the turns still waiting, as a turn of its own", () => {
    const turns = placeFrame([userTurn(1, "hi")], reply("Welcome!"), true, counter());
    expect(turns.map((t) => [t.id, t.text, t.reply?.messages[0]?.text])).toEqual([
      [101, null, "Welcome!"],
      [1, "hi", undefined],
    ]);
  });

  it("adds a turn for a frame that no message waits for", () => {
    const turns = placeFrame([], reply("Hello?"), false, counter());
    expect(turns.map((t) => [t.text, t.reply?.messages[0]?.text])).toEqual([[null, "Hello?"]]);
  });
});

describe("placeParse", () => {
  it("sets the parse of one turn only, clearing an earlier failure", () => {
    const parse = { intent: { name: "order", confidence: 0.9 }, ranking: [], entities: [] };
    const turns = placeParse([userTurn(1, "a"), { ...userTurn(2, "b"), parseError: "boom" }], 2, parse);
    expect(turns[0]).toEqual(userTurn(1, "a"));
    expect(turns[1]).toMatchObject({ parse, parseError: null });
  });
});
