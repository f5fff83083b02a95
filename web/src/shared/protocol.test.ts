import { describe, expect, it } from "vitest";
import { chatSocketUrl } from "./protocol";

describe("chatSocketUrl", () => {
  it("keeps a secure server secure, however it is written", () => {
    for (const base of ["https://chat.example.com/", "wss://chat.example.com/"]) {
      expect(chatSocketUrl(base, "pizzeria", null)).toBe("wss://chat.example.com/ws/chat?bot=pizzeria&start=true");
    }
    for (const base of ["http://chat.example.com/parley", "ws://chat.example.com/parley/"]) {
      expect(chatSocketUrl(base, "pizzeria", "c1")).toBe(
        "ws://chat.example.com/parley/ws/chat?bot=pizzeria&conversation_id=c1&start=true",
      );
    }
  });
});
