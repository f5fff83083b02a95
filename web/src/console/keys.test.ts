import { describe, expect, it } from "vitest";
import { type ApiKey, keyAfterRevoking } from "./pages/keys";

const key = (id: string, revoked = false): ApiKey => ({
  key_id: id,
  name: id,
  scopes: ["chat"],
  created_at: "2026-01-01T00:00:00Z",
  revoked_at: revoked ? "2026-01-02T00:00:00Z" : null,
});

describe("the focus after revoking a key", () => {
  it("goes to the next key in use", () => {
    expect(keyAfterRevoking([key("a"), key("b", true), key("c"), key("d")], "b")).toBe("c");
    expect(keyAfterRevoking([key("a"), key("b"), key("c", true), key("d")], "b")).toBe("d");
  });

  it("goes to the one before when none after it is in use", () => {
    expect(keyAfterRevoking([key("a"), key("b"), key("c", true), key("d", true)], "d")).toBe("b");
  });

  it("goes nowhere in the list when no other key is in use", () => {
    expect(keyAfterRevoking([key("a", true), key("b", true)], "b")).toBeNull();
    expect(keyAfterRevoking([], "b")).toBeNull();
  });
});
