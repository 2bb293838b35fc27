import type { IncomingHttpHeaders } from "node:http";
import { headerValue } from "../http/api-error";
import { sleep } from "../http/retry";

/** Okta's rate-limit bucket of a path: member walks share the `/api/v1/groups` bucket (okta-api.md 5). */
export function oktaBucketOf(pathname: string): string {
  if (pathname.startsWith("/api/v1/groups")) return "groups";
  if (pathname.startsWith("/api/v1/users")) return "users";
  return "other";
}

interface Bucket {
  /** Calls left in the window as the last response said; unknown before the first, and after a reset. */
  remaining?: number;
  /** When the window resets, on the local clock. */
  resetAt?: number;
  inFlight: number;
}

/**
 * Client-side pacing from Okta's X-Rate-Limit-Remaining and -Reset, per bucket: a request waits
 * for the window to reset rather than spend the last call of it, so a long read never runs into
 * repeated 429s (okta-api.md 5, "optionally pre-throttle per bucket using Remaining").
 */
export class RateBudget {
  private readonly buckets = new Map<string, Bucket>();
  /** Milliseconds spent waiting for a window, for the benchmark and the logs. */
  waitedMs = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async acquire(bucket: string): Promise<void> {
    const b = this.bucket(bucket);
    for (;;) {
      if (b.remaining === undefined || b.remaining - b.inFlight > 1) {
        b.inFlight += 1;
        return;
      }
      const wait = (b.resetAt ?? this.now() + 1000) - this.now();
      if (wait > 0) {
        this.waitedMs += wait;
        await sleep(wait);
      }
      // The window has reset: the next response tells the new budget.
      if (b.resetAt !== undefined && this.now() >= b.resetAt) {
        b.remaining = undefined;
        b.resetAt = undefined;
      }
    }
  }

  release(bucket: string, headers: IncomingHttpHeaders | undefined): void {
    const b = this.bucket(bucket);
    b.inFlight = Math.max(0, b.inFlight - 1);
    const remaining = Number(headerValue(headers, "x-rate-limit-remaining"));
    const reset = Number(headerValue(headers, "x-rate-limit-reset"));
    if (!Number.isFinite(remaining) || !Number.isFinite(reset)) return;
    // Reset is epoch seconds on the server's clock: measure it against the response's Date.
    const serverNow = Date.parse(headerValue(headers, "date") ?? "");
    const resetAt = this.now() + Math.max(0, reset * 1000 - (Number.isNaN(serverNow) ? this.now() : serverNow)) + 1000;
    if (b.resetAt !== undefined && resetAt > b.resetAt + 1500) {
      b.remaining = remaining; // a new window began
    } else {
      b.remaining = b.remaining === undefined ? remaining : Math.min(b.remaining, remaining);
    }
    b.resetAt = resetAt;
  }

  private bucket(name: string): Bucket {
    let b = this.buckets.get(name);
    if (!b) this.buckets.set(name, (b = { inFlight: 0 }));
    return b;
  }
}
