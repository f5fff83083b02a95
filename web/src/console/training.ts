// Following a training job: poll its status until it ends, riding out failed polls (a restarting
// server, a dropped connection, the rate limit) with a growing delay.

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
