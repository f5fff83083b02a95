// Following a training job: poll its status until it ends, riding out failed polls (a restarting
// server, a dropped connection, the rate limit) with a growing delay; and its steps as shown.

import { ApiError } from "./api";
import type { TrainingJob } from "./types";

export const TERMINAL: ReadonlySet<string> = new Set(["succeeded", "failed", "rejected"]);

export interface JobFollower {
  poll: () => Promise<TrainingJob>;
  onJob: (job: TrainingJob) => void;
  /** A poll failed; the next one is in `retryMs`. */
  onError: (error: unknown, retryMs: number) => void;
  /** The server does not know the job (404: it restarted, or forgot it): polling stops. */
  onGone: () => void;
  intervalMs?: number;
  maxDelayMs?: number;
}

/** Poll until the job ends or is gone; failed polls are retried, doubling the delay. Returns stop(). */
export function followJob(follower: JobFollower): () => void {
  const interval = follower.intervalMs ?? 600;
  let failures = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const poll = async (): Promise<void> => {
    let job: TrainingJob;
    try {
      job = await follower.poll();
    } catch (error) {
      if (stopped) return;
      if (error instanceof ApiError && error.status === 404) return follower.onGone();
      failures += 1;
      const backoff = Math.min(follower.maxDelayMs ?? 15_000, interval * 2 ** failures);
      const delay = Math.max(backoff, (error instanceof ApiError ? (error.retryAfter ?? 0) : 0) * 1000);
      follower.onError(error, delay);
      timer = setTimeout(poll, delay);
      return;
    }
    if (stopped) return;
    failures = 0;
    follower.onJob(job);
    if (!TERMINAL.has(job.status)) timer = setTimeout(poll, interval);
  };
  void poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** Where a step of a job is: its colour in the Train tab, and the mark shown with it. */
export type StepState = "done" | "current" | "failed" | "todo";

export interface JobStep {
  /** The step as shown: queued, running, then how the job ended (succeeded until it has). */
  name: string;
  state: StepState;
  /** The state in words, for those who cannot tell the colours or marks apart (screen readers). */
  said: string;
}

const SAID: Record<StepState, string> = { done: "done", current: "in progress", failed: "failed", todo: "not yet" };

/**
 * The steps of a job with `status`: queued, running, and its end. A job that failed, failed while
 * running; a rejected one ran to its end, and its model was not published. A status this console
 * does not know leaves every step to come.
 */
export function jobSteps(status: string): JobStep[] {
  const ended = TERMINAL.has(status);
  const step = (name: string, state: StepState, said = SAID[state]): JobStep => ({ name, state, said });
  const queued = status === "queued" ? "current" : status === "running" || ended ? "done" : "todo";
  const running = status === "running" ? "current" : status === "failed" ? "failed" : ended ? "done" : "todo";
  const end = !ended
    ? step("succeeded", "todo")
    : status === "succeeded"
      ? step(status, "done")
      : step(status, "failed", "not published");
  return [step("queued", queued), step("running", running), end];
}
