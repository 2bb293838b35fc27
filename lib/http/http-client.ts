import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type * as https from "node:https";
import { redactQuery, type HttpLog, type HttpLogEntry } from "../log/structured-log";

/**
 * The one HTTP layer under both API clients: JSON over node:http(s) with keep-alive, a timeout, a
 * request counter and the structured log. Deliberately small: Terraform starts the handler once per
 * instance, and loading a general-purpose HTTP library cost more than half of its start-up
 * (axios: about 60 ms of 130 ms; this module: about 6 ms).
 */
export interface HttpRequest {
  readonly method: string;
  /** Absolute, or relative to `baseUrl`. */
  readonly url: string;
  /** Query parameters; an array repeats the parameter (`?email=a&email=b`). */
  readonly params?: Record<string, string | number | readonly string[]>;
  /** Sent as JSON. */
  readonly body?: unknown;
}

export interface HttpResponse<T = unknown> {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON when the body is JSON, else the text ("" when empty). */
  readonly data: T;
  readonly url: string;
}

export interface HttpClientOptions {
  readonly baseUrl?: string;
  readonly headers: Record<string, string>;
  readonly timeoutMs?: number;
  readonly service: HttpLogEntry["service"];
  readonly httpLog?: HttpLog;
  /** Response headers that carry the service's request id, first match wins. */
  readonly requestIdHeaders: readonly string[];
}

const httpAgent = new HttpAgent({ keepAlive: true });
let tls: { request: typeof https.request; agent: https.Agent } | undefined;
/** node:https (and TLS) loads only when a URL needs it: the local sandbox and tests speak plain HTTP. */
function httpsModule(): { request: typeof https.request; agent: https.Agent } {
  if (!tls) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("node:https") as typeof https;
    tls = { request: m.request, agent: new m.Agent({ keepAlive: true }) };
  }
  return tls;
}

export class HttpClient {
  /** Requests sent, retries included. */
  calls = 0;

  constructor(private readonly options: HttpClientOptions) {}

  /** Resolves with any HTTP response (the caller decides what a status means); rejects on network errors and timeouts. */
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const url = this.resolve(req);
    const body = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string | number> = { ...this.options.headers };
    if (body) {
      headers["Content-Type"] = "application/json";
      headers["Content-Length"] = body.length;
    }
    this.calls += 1;
    const started = Date.now();
    const secure = url.protocol === "https:" ? httpsModule() : undefined;
    const send = secure ? secure.request : httpRequest;
    return new Promise<HttpResponse<T>>((resolve, reject) => {
      const r = send(url, { method: req.method, headers, agent: secure ? secure.agent : httpAgent, timeout: this.options.timeoutMs ?? 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const response = { status: res.statusCode ?? 0, headers: res.headers, data: parseBody(text, res.headers["content-type"]) as T, url: url.toString() };
          this.log(req.method, url, started, { status: response.status, request_id: this.requestId(res.headers) });
          resolve(response);
        });
      });
      r.on("timeout", () => r.destroy(new Error(`timed out after ${this.options.timeoutMs ?? 30_000} ms`)));
      r.on("error", (e) => {
        this.log(req.method, url, started, { error: e.message });
        reject(e);
      });
      r.end(body);
    });
  }

  requestId(headers: IncomingHttpHeaders): string | undefined {
    for (const name of this.options.requestIdHeaders) {
      const v = headers[name];
      if (v !== undefined) return Array.isArray(v) ? v[0] : v;
    }
    return undefined;
  }

  private resolve(req: HttpRequest): URL {
    const base = this.options.baseUrl?.replace(/\/+$/, "");
    const url = /^[a-z]+:\/\//i.test(req.url) ? new URL(req.url) : new URL(`${base}${req.url.startsWith("/") ? "" : "/"}${req.url}`);
    for (const [k, v] of Object.entries(req.params ?? {})) {
      if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, String(item));
      else url.searchParams.set(k, String(v));
    }
    return url;
  }

  private log(method: string, url: URL, started: number, result: { status?: number; request_id?: string; error?: string }): void {
    if (!this.options.httpLog) return;
    const query = redactQuery(url.searchParams);
    this.options.httpLog({
      service: this.options.service,
      method,
      path: url.pathname,
      ...(query ? { query } : {}),
      ...(result.status !== undefined ? { status: result.status } : {}),
      duration_ms: Date.now() - started,
      ...(result.request_id ? { request_id: result.request_id } : {}),
      ...(result.error ? { error: result.error } : {}),
    });
  }
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (!text) return "";
  if (/json/i.test(contentType ?? "") || /^[[{]/.test(text.trimStart())) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
