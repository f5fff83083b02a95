import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, parseRetryAfter, preconditionFailed, retryRateLimited, versionOfEtag } from "./api";

describe("parseRetryAfter", () => {
  it("reads seconds or an HTTP date, and nothing else", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("42", now)).toBe(42);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30);
    expect(parseRetryAfter("Tue, 31 Dec 2024 23:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe("retryRateLimited", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const limited = (seconds: number | null) => new ApiError(429, "rate_limited", "too many requests", null, seconds);

  it("waits as long as the server asks, then carries on", async () => {
    const answers: (string | ApiError)[] = [limited(30), limited(null), "parsed"];
    const waits: number[] = [];
    const call = vi.fn(async () => {
      const answer = answers.shift()!;
      if (answer instanceof ApiError) throw answer;
      return answer;
    });
    const result = retryRateLimited(call, { onWait: (s) => waits.push(s) });
    await vi.advanceTimersByTimeAsync(29_000);
    expect(call).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2_000);
    await expect(result).resolves.toBe("parsed");
    expect(waits).toEqual([30, 1]);
  });

  it("does not retry other errors, and stops waiting when aborted", async () => {
    await expect(retryRateLimited(async () => Promise.reject(new ApiError(400, "invalid_input", "bad")))).rejects.toThrow("bad");
    const stop = new AbortController();
    const result = retryRateLimited(async () => Promise.reject(limited(60)), { signal: stop.signal });
    const outcome = expect(result).rejects.toThrow("stopped");
    await vi.advanceTimersByTimeAsync(1_000);
    stop.abort(new Error("stopped"));
    await outcome;
  });
});

describe("conditional saves", () => {
  it("reads the version an ETag names, strong or weak", () => {
    expect(versionOfEtag('"5"')).toBe(5);
    expect(versionOfEtag('W/"12"')).toBe(12);
    expect(versionOfEtag("7")).toBe(7);
    expect(versionOfEtag('"abc"')).toBeNull();
    expect(versionOfEtag(null)).toBeNull();
  });

  it("tells a refused precondition from other errors, with the bot's version now", () => {
    const refused = (details: unknown) => new ApiError(412, "precondition_failed", "changed", details);
    expect(preconditionFailed(refused({ current_version: 5 }))).toEqual({ currentVersion: 5 });
    expect(preconditionFailed(refused(null))).toEqual({ currentVersion: null });
    expect(preconditionFailed(new ApiError(409, "conflict", "no"))).toBeNull();
  });
});
