import type { HttpRequest, HttpResponse } from "./http-client";

/**
 * The one retry policy for both APIs (STYLE 7): retry network errors, 429 and 5xx; wait as long as
 * the server says when it says (Okta: X-Rate-Limit-Reset, Braintrust: Retry-After), otherwise
 * exponential backoff with full jitter; give up after `retries` retries.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. Default 5. */
  readonly retries: number;
  /** First backoff step in milliseconds. Default 250. */
  readonly baseDelayMs: number;
  /** Upper bound of any single wait, in milliseconds. Default 60 000. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 5, baseDelayMs: 250, maxDelayMs: 60_000 };

export interface RetryHooks {
  /** Milliseconds the server asked us to wait, if it said. */
  serverWaitMs(response: HttpResponse): number | undefined;
  /** Called before each wait, so that waits are logged. */
  onWait?(info: { attempt: number; waitMs: number; reason: string; method: string; url: string }): void;
}

export function isRetryable(response: HttpResponse | undefined): boolean {
  if (!response) return true; // network error or timeout
  return response.status === 429 || response.status >= 500;
}

export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(cap / 2 + random() * (cap / 2));
}

/** Sends one request with the retry policy; resolves with any response that is not retryable. */
export async function requestWithRetry<T>(
  http: { request<R>(req: HttpRequest): Promise<HttpResponse<R>> },
  config: HttpRequest,
  policy: RetryPolicy,
  hooks: RetryHooks,
): Promise<{ response?: HttpResponse<T>; error?: unknown }> {
  for (let attempt = 0; ; attempt++) {
    let response: HttpResponse<T> | undefined;
    let error: unknown;
    try {
      response = await http.request<T>(config);
    } catch (e) {
      error = e;
    }
    if (!isRetryable(response) || attempt >= policy.retries) return { response, error };
    const told = response ? hooks.serverWaitMs(response) : undefined;
    const waitMs = Math.min(policy.maxDelayMs, told ?? backoffMs(attempt, policy));
    const reason = response ? `HTTP ${response.status}` : `network error: ${(error as Error)?.message ?? error}`;
    hooks.onWait?.({ attempt: attempt + 1, waitMs, reason, method: config.method.toUpperCase(), url: config.url });
    await sleep(waitMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Braintrust's Retry-After: seconds or an HTTP date (which one is UNCONFIRMED, braintrust-api.md 13.5). */
export function retryAfterMs(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Okta's wait: X-Rate-Limit-Reset (epoch seconds) measured against the response Date, plus 1 s. */
export function oktaResetWaitMs(reset: string | undefined, date: string | undefined, now: number = Date.now()): number | undefined {
  if (!reset) return undefined;
  const resetMs = Number(reset) * 1000;
  if (!Number.isFinite(resetMs)) return undefined;
  const serverNow = date ? Date.parse(date) : NaN;
  const base = Number.isNaN(serverNow) ? now : serverNow;
  return Math.max(0, resetMs - base) + 1000;
}
