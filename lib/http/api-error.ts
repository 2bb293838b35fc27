/**
 * Errors from the two APIs, as a small hierarchy (in the manner of ky's HTTPError): each carries the
 * method, the URL without its query string, the status and the request id, never a credential.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly service: "Okta" | "Braintrust",
    readonly method: string,
    readonly url: string,
    readonly status: number | undefined,
    readonly requestId: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An Okta error; `errorCode` is the only field Okta promises to keep stable (okta-api.md section 6). */
export class OktaApiError extends ApiError {
  constructor(
    method: string,
    url: string,
    status: number | undefined,
    requestId: string | undefined,
    readonly errorCode: string | undefined,
    readonly errorSummary: string | undefined,
    options?: { cause?: unknown },
  ) {
    const what = status === undefined ? "no response" : `HTTP ${status}`;
    const code = errorCode ? ` ${errorCode}` : "";
    const summary = errorSummary ? `: ${errorSummary}` : "";
    const rid = requestId ? ` (X-Okta-Request-Id ${requestId})` : "";
    super(`Okta ${method} ${url} failed with ${what}${code}${summary}${rid}`, "Okta", method, url, status, requestId, options);
  }
}

/** A Braintrust error; the body is an opaque message (the spec declares no error schema). */
export class BraintrustApiError extends ApiError {
  constructor(
    method: string,
    url: string,
    status: number | undefined,
    requestId: string | undefined,
    readonly detail: string | undefined,
    options?: { cause?: unknown },
  ) {
    const what = status === undefined ? "no response" : `HTTP ${status}`;
    const d = detail ? `: ${detail}` : "";
    const rid = requestId ? ` (request id ${requestId})` : "";
    super(`Braintrust ${method} ${url} failed with ${what}${d}${rid}`, "Braintrust", method, url, status, requestId, options);
  }
}

/** One response header as a string, or undefined. */
export function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const v = headers?.[name];
  return v === undefined || v === null ? undefined : String(v);
}

/** Strips the query string (it can hold search expressions with personal data) from a URL. */
export function urlWithoutQuery(url: string): string {
  const i = url.indexOf("?");
  return i < 0 ? url : url.slice(0, i);
}
