import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { OpenApiContract } from "./openapi-contract";

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  /** `json` (default) or `text`. */
  readonly type?: "json" | "text";
  readonly headers?: Record<string, string | string[]>;
}

export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly status: number;
  readonly authorization: string | undefined;
}

export interface Fault {
  /** Method to match, or any. */
  readonly method?: string;
  /** Path prefix to match, e.g. `/v1/group`. */
  readonly path?: string;
  readonly status: number;
  /** How many matching requests fail. Default 1. */
  count?: number;
  /** Matching requests to let through before failing. Default 0. */
  skip?: number;
  /** A finer test on the request (its JSON body and Authorization header). */
  readonly match?: (body: unknown, authorization: string | undefined) => boolean;
}

/**
 * Plumbing shared by the local Okta and Braintrust servers: loopback HTTP, JSON bodies, a record of
 * every exchange, faults injected on demand, and every request and response checked against the
 * official API description (the violations are kept for tests to assert on).
 */
export abstract class LocalServer {
  private server?: Server;
  readonly exchanges: Exchange[] = [];
  readonly violations: string[] = [];
  private readonly faults: Fault[] = [];
  url = "";

  constructor(protected readonly contract: OpenApiContract | undefined) {}

  protected abstract route(method: string, path: string, query: URLSearchParams, body: unknown, req: IncomingMessage): Reply;
  /** The reply to an injected fault status (error bodies differ per service). */
  protected abstract faultReply(status: number): Reply;

  /** Fails matching requests with `status` (500, 503, 429, ...). */
  injectFault(fault: Fault): void {
    this.faults.push({ count: 1, skip: 0, ...fault });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  async start(port = 0, host = "127.0.0.1"): Promise<string> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    this.url = `http://${host}:${address.port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url || "http://127.0.0.1");
    const method = (req.method ?? "GET").toUpperCase();
    const raw = await readBody(req);
    let body: unknown = undefined;
    let reply: Reply;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      reply = { status: 400, type: "text", body: "request body is not valid JSON" };
    }
    if (this.contract) this.check(() => this.contract!.checkRequest(method, url.pathname, url.searchParams, body));
    const fault = this.takeFault(method, url.pathname, body, req.headers.authorization);
    try {
      reply ??= fault !== undefined ? this.faultReply(fault) : this.route(method, url.pathname, url.searchParams, body, req);
    } catch (e) {
      reply = { status: 500, type: "text", body: `local server error: ${(e as Error).message}` };
    }
    if (this.contract && reply.type !== "text" && reply.status !== 401) {
      this.check(() => this.contract!.checkResponse(method, url.pathname, reply.status, reply.body));
    }
    this.exchanges.push({ method, path: url.pathname, query: url.searchParams, body, status: reply.status, authorization: req.headers.authorization });
    const headers: Record<string, string | string[]> = { ...(reply.headers ?? {}) };
    let payload = "";
    if (reply.body !== undefined) {
      if (reply.type === "text") {
        headers["content-type"] = "text/plain; charset=utf-8";
        payload = String(reply.body);
      } else {
        headers["content-type"] = "application/json";
        payload = JSON.stringify(reply.body);
      }
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  /** A checker that cannot check is a violation too, never a request left without a reply. */
  private check(run: () => string[]): void {
    try {
      this.violations.push(...run());
    } catch (e) {
      this.violations.push(`contract check failed: ${(e as Error).message}`);
    }
  }

  private takeFault(method: string, path: string, body: unknown, authorization: string | undefined): number | undefined {
    for (const f of this.faults) {
      if ((f.method && f.method !== method) || (f.path && !path.startsWith(f.path)) || (f.count ?? 0) <= 0) continue;
      if (f.match && !f.match(body, authorization)) continue;
      if ((f.skip ?? 0) > 0) {
        f.skip! -= 1;
        continue;
      }
      f.count! -= 1;
      return f.status;
    }
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
