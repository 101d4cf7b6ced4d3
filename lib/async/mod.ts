/**
 * Waiting, done once: {@linkcode delay} and {@linkcode sleepUnlessAborted} (timers that honour shutdown),
 * {@linkcode backoff} (growing retry delays) and {@linkcode pollUntil} (a condition with a deadline).
 * @module
 */
export { delay, sleepUnlessAborted } from "./delay.ts";
export { type Backoff, backoff, type BackoffOptions } from "./backoff.ts";
export { DeadlineError, type PollOptions, pollUntil } from "./poll.ts";
