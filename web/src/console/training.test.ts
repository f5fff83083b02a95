import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./api";
import { followJob, jobSteps } from "./training";
import type { TrainingJob } from "./types";

const job = (status: TrainingJob["status"]): TrainingJob => ({ job_id: "j1", status });

/** A follower whose polls answer `answers` in turn (an Error is thrown). */
function follower(answers: (TrainingJob | Error)[]) {
  const seen = { jobs: [] as string[], errors: [] as number[], gone: 0, polls: 0 };
  const stop = followJob({
    poll: async () => {
      seen.polls += 1;
      const answer = answers.shift();
      if (!answer) throw new Error("no more answers");
      if (answer instanceof Error) throw answer;
      return answer;
    },
    onJob: (j) => seen.jobs.push(j.status),
    onError: (_, retryMs) => seen.errors.push(retryMs),
    onGone: () => (seen.gone += 1),
    intervalMs: 100,
    maxDelayMs: 1000,
  });
  return { seen, stop };
}

describe("followJob", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("keeps polling after a failed poll and follows the job to its end", async () => {
    const offline = new ApiError(0, "network_error", "cannot reach the server");
    const { seen } = follower([job("queued"), offline, offline, job("running"), job("succeeded")]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(seen.jobs).toEqual(["queued", "running", "succeeded"]);
    expect(seen.errors).toEqual([200, 400]);
    expect(seen.polls).toBe(5);
  });

  it("backs off up to the ceiling, and waits as long as the server asks", async () => {
    const failing = Array.from({ length: 5 }, () => new Error("502"));
    const limited = new ApiError(429, "rate_limited", "slow down", null, 30);
    const { seen, stop } = follower([...failing, limited, job("succeeded")]);
    await vi.advanceTimersByTimeAsync(60_000);
    stop();
    expect(seen.errors).toEqual([200, 400, 800, 1000, 1000, 30_000]);
    expect(seen.jobs).toEqual(["succeeded"]);
  });

  it("stops when the server no longer knows the job", async () => {
    const { seen } = follower([job("running"), new ApiError(404, "not_found", "no training job 'j1'")]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(seen.gone).toBe(1);
    expect(seen.polls).toBe(2);
    expect(seen.errors).toEqual([]);
  });

  it("stops polling once stopped", async () => {
    const { seen, stop } = follower([job("running"), job("running"), job("running")]);
    await vi.advanceTimersByTimeAsync(0);
    stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(seen.polls).toBe(1);
  });
});

describe("jobSteps", () => {
  /** The steps as a screen reader hears them. */
  const said = (status: string): string[] => jobSteps(status).map((step) => `${step.name} (${step.said})`);

  it("says which step a job is at, and which are done or to come", () => {
    expect(said("queued")).toEqual(["queued (in progress)", "running (not yet)", "succeeded (not yet)"]);
    expect(said("running")).toEqual(["queued (done)", "running (in progress)", "succeeded (not yet)"]);
    expect(said("succeeded")).toEqual(["queued (done)", "running (done)", "succeeded (done)"]);
  });

  it("names how a job that did not publish ended: a failed one failed while running", () => {
    expect(said("failed")).toEqual(["queued (done)", "running (failed)", "failed (not published)"]);
    expect(said("rejected")).toEqual(["queued (done)", "running (done)", "rejected (not published)"]);
  });

  it("gives each state the colour it says", () => {
    expect(jobSteps("failed").map((step) => step.state)).toEqual(["done", "failed", "failed"]);
    expect(jobSteps("running").map((step) => step.state)).toEqual(["done", "current", "todo"]);
  });

  it("leaves every step to come for a status it does not know", () => {
    expect(said("paused")).toEqual(["queued (not yet)", "running (not yet)", "succeeded (not yet)"]);
  });
});
