import { OktaApiError, headerValue, urlWithoutQuery } from "../http/api-error";
import { HttpClient, type HttpResponse } from "../http/http-client";
import { DEFAULT_RETRY_POLICY, oktaResetWaitMs, requestWithRetry, type RetryPolicy } from "../http/retry";
import type { HttpLog } from "../log/structured-log";
import { oktaBucketOf, RateBudget } from "./rate-budget";

/** The fields of Okta's User and Group objects that the sync reads (okta-api.md sections 2 and 3). */
export interface OktaUser {
  id: string;
  status: string;
  profile: { login?: string; email?: string | null; [attribute: string]: unknown };
}
export interface OktaGroup {
  id: string;
  type?: string;
  lastMembershipUpdated?: string;
  profile: { name: string; description?: string | null };
}

export interface OktaClientOptions {
  /** `https://acme.okta.com` or `http://127.0.0.1:8081`. */
  readonly baseUrl: string;
  readonly token: string;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly log?: (line: string) => void;
  /** Structured log of every HTTP exchange (LOG_LEVEL=debug). */
  readonly httpLog?: HttpLog;
}

/** Okta page size: the documented maximum for users, and Okta's advice for groups and members. */
export const OKTA_PAGE_SIZE = 200;

/**
 * Read-only Okta client: SSWS auth, `Link`-header pagination, waits on X-Rate-Limit-Reset, retries
 * 429/5xx/network errors. Any read that cannot complete throws: a removal must never be derived
 * from a partial read.
 */
export class OktaClient {
  private readonly http: HttpClient;
  private readonly origin: string;
  /** Paces requests by the rate-limit headers, per bucket. */
  readonly budget = new RateBudget();

  constructor(private readonly options: OktaClientOptions) {
    this.origin = new URL(options.baseUrl).origin;
    this.http = new HttpClient({
      service: "okta",
      timeoutMs: options.timeoutMs ?? 30_000,
      headers: {
        Authorization: `SSWS ${options.token}`,
        Accept: "application/json",
        "User-Agent": "okta-braintrust-sync/0.1",
      },
      httpLog: options.httpLog,
      requestIdHeaders: ["x-okta-request-id"],
    });
  }

  /** The HTTP layer behind the rate budget: each request waits for its bucket's budget and reports the headers back. */
  private readonly paced = {
    request: async <T>(req: { method: string; url: string }): Promise<HttpResponse<T>> => {
      const bucket = oktaBucketOf(new URL(req.url).pathname);
      await this.budget.acquire(bucket);
      let response: HttpResponse<T> | undefined;
      try {
        response = await this.http.request<T>(req);
        return response;
      } finally {
        this.budget.release(bucket, response?.headers);
      }
    },
  };

  /** Requests sent, retries included. */
  get calls(): number {
    return this.http.calls;
  }

  /** Users matching a `search` expression (which, unlike `filter`, takes custom attributes). */
  searchUsers(search: string): Promise<OktaUser[]> {
    return this.listAll<OktaUser>(this.url("/api/v1/users", { search, limit: String(OKTA_PAGE_SIZE) }));
  }

  searchGroups(search: string): Promise<OktaGroup[]> {
    return this.listAll<OktaGroup>(this.url("/api/v1/groups", { search, limit: String(OKTA_PAGE_SIZE) }));
  }

  listGroupMembers(groupId: string): Promise<OktaUser[]> {
    return this.listAll<OktaUser>(this.url(`/api/v1/groups/${encodeURIComponent(groupId)}/users`, { limit: String(OKTA_PAGE_SIZE) }));
  }

  /** One page of at most `limit` users or groups: `validate` uses it to prove the token can read them and that a search expression is accepted. */
  async firstPage(path: "/api/v1/users" | "/api/v1/groups", query: Record<string, string> = {}, limit = 1): Promise<unknown[]> {
    const response = await this.get(this.url(path, { ...query, limit: String(limit) }));
    return Array.isArray(response.data) ? response.data : [];
  }

  private url(path: string, query: Record<string, string>): string {
    const u = new URL(path, this.options.baseUrl.replace(/\/+$/, "") + "/");
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    return u.toString();
  }

  /** Follows `rel="next"` exactly as given, until there is none (a short page is not the end). */
  private async listAll<T>(first: string): Promise<T[]> {
    const all: T[] = [];
    let next: string | undefined = first;
    while (next) {
      const response: HttpResponse = await this.get(next);
      if (!Array.isArray(response.data)) {
        throw new OktaApiError("GET", urlWithoutQuery(next), response.status, requestId(response), undefined, "expected a JSON array");
      }
      all.push(...(response.data as T[]));
      next = nextLink(response.headers.link);
      if (next && new URL(next).origin !== this.origin) {
        // Never send the token to another host, whatever a Link header says.
        throw new OktaApiError("GET", urlWithoutQuery(next), undefined, requestId(response), undefined, `pagination link points outside ${this.origin}`);
      }
    }
    return all;
  }

  private async get(url: string): Promise<HttpResponse> {
    const { response, error } = await requestWithRetry(this.paced, { method: "GET", url }, this.options.retry ?? DEFAULT_RETRY_POLICY, {
      serverWaitMs: (r) => (r.status === 429 ? oktaResetWaitMs(headerValue(r.headers, "x-rate-limit-reset"), headerValue(r.headers, "date")) : undefined),
      onWait: ({ attempt, waitMs, reason }) =>
        this.options.log?.(`okta: GET ${new URL(url).pathname}: ${reason}; retry ${attempt} in ${(waitMs / 1000).toFixed(1)} s`),
    });
    if (!response) throw new OktaApiError("GET", urlWithoutQuery(url), undefined, undefined, undefined, (error as Error)?.message, { cause: error });
    if (response.status >= 200 && response.status < 300) return response;
    const body = (response.data ?? {}) as { errorCode?: string; errorSummary?: string };
    throw new OktaApiError("GET", urlWithoutQuery(url), response.status, requestId(response), body.errorCode, body.errorSummary ?? headerValue(response.headers, "www-authenticate"));
  }
}

/** Finds `rel="next"` in a Link header; Node joins repeated headers with ", ". */
export function nextLink(link: unknown): string | undefined {
  const values = Array.isArray(link) ? link : typeof link === "string" ? [link] : [];
  for (const value of values) {
    for (const part of String(value).split(/,\s*(?=<)/)) {
      const m = /^\s*<([^>]+)>\s*;(.*)$/.exec(part);
      if (m && /\brel="?next"?/.test(m[2])) return m[1];
    }
  }
  return undefined;
}

function requestId(r: HttpResponse): string | undefined {
  return headerValue(r.headers, "x-okta-request-id");
}
