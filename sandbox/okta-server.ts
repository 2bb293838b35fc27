import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { LocalServer, type Reply } from "./local-server";
import { OpenApiContract } from "./openapi-contract";
import { parseSearch, type SearchExpr } from "./okta-search";

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface OktaServerOptions {
  /** The SSWS token the server accepts. */
  readonly token: string;
  /** Requests allowed per window and per bucket (users; groups and members) before 429 (X-Rate-Limit-*). Default 600. */
  readonly rateLimitPerMinute?: number;
  /** Length of a rate-limit window in milliseconds (Okta: 60 s). Shorter only to keep tests quick. */
  readonly rateLimitWindowMs?: number;
  /** Largest page served whatever `limit` says. Default 200. */
  readonly maxPageSize?: number;
  readonly checkContract?: boolean;
}

export interface LocalOktaUser {
  id: string;
  status: string;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  type: { id: string };
  profile: Record<string, unknown> & { login: string; email?: string | null; firstName: string | null; lastName: string | null };
  credentials: { provider: { type: string; name: string } };
}

export interface LocalOktaGroup {
  id: string;
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
  objectClass: string[];
  type: "OKTA_GROUP" | "APP_GROUP" | "BUILT_IN";
  profile: { name: string; description: string | null };
}

/**
 * A local Okta Management API on loopback: users (with `search`), groups (with `search`) and group
 * members, `Link`-header pagination with opaque cursors, X-Rate-Limit-* headers and 429s past the
 * budget, Okta error bodies, and a directory that tests change between runs.
 */
export class OktaServer extends LocalServer {
  readonly users = new Map<string, LocalOktaUser>();
  readonly groups = new Map<string, LocalOktaGroup>();
  readonly members = new Map<string, Set<string>>();
  private clock = Date.parse("2025-06-01T00:00:00.000Z");
  private readonly windows = new Map<string, { start: number; count: number }>();
  /** The window of the request being answered (its headers report it). */
  private window?: { start: number; count: number };
  /** 429s sent for exceeding the budget (not injected faults). */
  rateLimitedCount = 0;

  constructor(private readonly options: OktaServerOptions) {
    super(options.checkContract === false ? undefined : OktaServer.contract());
  }

  private static cached?: OpenApiContract;
  private static contract(): OpenApiContract {
    return (OktaServer.cached ??= OpenApiContract.okta());
  }

  // ---- directory changes ---------------------------------------------------------------------

  addUser(profile: { email: string | null; login?: string; firstName?: string; lastName?: string; [k: string]: unknown }, status = "ACTIVE"): LocalOktaUser {
    const now = this.tick();
    const user: LocalOktaUser = {
      id: `00u${randomBytes(8).toString("hex").slice(0, 17)}`,
      status,
      created: now,
      activated: status === "ACTIVE" ? now : null,
      statusChanged: now,
      lastLogin: null,
      lastUpdated: now,
      passwordChanged: null,
      type: { id: "oty1defaultusertype" },
      profile: { firstName: null, lastName: null, ...profile, login: profile.login ?? profile.email ?? `user${this.users.size}@example.invalid` },
      credentials: { provider: { type: "OKTA", name: "OKTA" } },
    };
    // The spec types profile.email as a string: a user without one has no such property.
    if (user.profile.email === null || user.profile.email === undefined) delete (user.profile as Record<string, unknown>).email;
    this.users.set(user.id, user);
    return user;
  }

  /** Changes profile attributes (an email change, a move to another department). */
  setProfile(userId: string, patch: Record<string, unknown>): void {
    const u = this.user(userId);
    Object.assign(u.profile, patch);
    u.lastUpdated = this.tick();
  }

  setStatus(userId: string, status: string): void {
    const u = this.user(userId);
    u.status = status;
    u.statusChanged = u.lastUpdated = this.tick();
  }

  addGroup(name: string, description: string | null = null, type: LocalOktaGroup["type"] = "OKTA_GROUP"): LocalOktaGroup {
    const now = this.tick();
    const g: LocalOktaGroup = {
      id: `00g${randomBytes(8).toString("hex").slice(0, 17)}`,
      created: now,
      lastUpdated: now,
      lastMembershipUpdated: now,
      objectClass: ["okta:user_group"],
      type,
      profile: { name, description },
    };
    this.groups.set(g.id, g);
    this.members.set(g.id, new Set());
    return g;
  }

  setGroupDescription(groupId: string, description: string): void {
    const g = this.group(groupId);
    g.profile.description = description;
    g.lastUpdated = this.tick();
  }

  deleteGroup(groupId: string): void {
    this.group(groupId);
    this.groups.delete(groupId);
    this.members.delete(groupId);
  }

  addToGroup(groupId: string, userId: string): void {
    this.user(userId);
    this.members.get(this.group(groupId).id)!.add(userId);
    this.group(groupId).lastMembershipUpdated = this.tick();
  }

  removeFromGroup(groupId: string, userId: string): void {
    this.members.get(this.group(groupId).id)!.delete(userId);
    this.group(groupId).lastMembershipUpdated = this.tick();
  }

  userByEmail(email: string): LocalOktaUser {
    const u = [...this.users.values()].find((x) => x.profile.email === email);
    if (!u) throw new Error(`no Okta user with email ${email}`);
    return u;
  }

  groupByName(name: string): LocalOktaGroup {
    const g = [...this.groups.values()].find((x) => x.profile.name === name);
    if (!g) throw new Error(`no Okta group named ${name}`);
    return g;
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  protected faultReply(status: number): Reply {
    if (status === 429) return this.rateLimited();
    return this.error(status, status >= 500 ? "E0000009" : "E0000001", status >= 500 ? "Internal Server Error" : "Api validation failed");
  }

  protected route(method: string, path: string, query: URLSearchParams, _body: unknown, req: IncomingMessage): Reply {
    const auth = /^SSWS (.+)$/.exec(req.headers.authorization ?? "");
    if (!auth || auth[1] !== this.options.token) return this.error(401, "E0000011", "Invalid token provided");
    const limited = this.countRequest(path);
    if (limited) return limited;
    if (method !== "GET") return this.error(405, "E0000022", "The endpoint does not support the provided HTTP method");

    if (path === "/api/v1/users") {
      const search = query.get("search");
      let users = [...this.users.values()];
      if (search) {
        const expr = this.parse(search);
        if ("status" in expr) return expr;
        users = users.filter((u) => matches(expr, u));
      } else {
        users = users.filter((u) => u.status !== "DEPROVISIONED"); // a plain list omits them
      }
      return this.page(path, query, users);
    }
    if (path === "/api/v1/groups") {
      const search = query.get("search");
      let groups = [...this.groups.values()];
      if (search) {
        const expr = this.parse(search);
        if ("status" in expr) return expr;
        groups = groups.filter((g) => matches(expr, g));
      }
      return this.page(path, query, groups);
    }
    const m = /^\/api\/v1\/groups\/([^/]+)\/users$/.exec(path);
    if (m) {
      const ids = this.members.get(m[1]);
      if (!ids) return this.error(404, "E0000007", `Not found: Resource not found: ${m[1]} (UserGroup)`);
      // Deactivated members are still listed (okta-api.md 3.2); the client filters on status.
      return this.page(path, query, [...ids].map((id) => this.users.get(id)!).filter(Boolean));
    }
    return this.error(404, "E0000007", `Not found: Resource not found: ${path}`);
  }

  private parse(search: string): SearchExpr | Reply {
    try {
      return parseSearch(search);
    } catch (e) {
      return this.error(400, "E0000031", `Invalid search criteria. ${(e as Error).message}`);
    }
  }

  /** Sorted by id; the cursor is the last id served, base64url-encoded (opaque to clients). */
  private page(path: string, query: URLSearchParams, items: { id: string }[]): Reply {
    const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : 1));
    const limit = Math.max(1, Math.min(this.options.maxPageSize ?? 200, Number(query.get("limit") ?? 200) || 200));
    const after = query.get("after") ? Buffer.from(query.get("after")!, "base64url").toString() : undefined;
    const start = after ? sorted.findIndex((x) => x.id > after) : 0;
    const slice = start < 0 ? [] : sorted.slice(start, start + limit);
    const links = [`<${this.url}${path}?${query.toString()}>; rel="self"`];
    if (start >= 0 && start + limit < sorted.length) {
      const next = new URLSearchParams(query);
      next.set("after", Buffer.from(slice[slice.length - 1].id).toString("base64url"));
      next.set("limit", String(limit));
      links.push(`<${this.url}${path}?${next.toString()}>; rel="next"`);
    }
    return { status: 200, body: slice, headers: { ...this.commonHeaders(), link: links } };
  }

  /** Okta counts per bucket: `/api/v1/groups` (member walks included) and `/api/v1/users` (okta-api.md 5). */
  private countRequest(path: string): Reply | undefined {
    const bucket = path.startsWith("/api/v1/groups") ? "groups" : "users";
    const w = this.windows.get(bucket) ?? { start: 0, count: 0 };
    this.windows.set(bucket, w);
    const now = Date.now();
    if (now - w.start >= (this.options.rateLimitWindowMs ?? 60_000)) {
      w.start = now;
      w.count = 0;
    }
    w.count += 1;
    this.window = w;
    if (w.count > (this.options.rateLimitPerMinute ?? 600)) {
      this.rateLimitedCount += 1;
      return this.rateLimited();
    }
    return undefined;
  }

  private rateLimited(): Reply {
    return this.error(429, "E0000047", "API call exceeded rate limit due to too many requests.");
  }

  private commonHeaders(): Record<string, string> {
    const limit = this.options.rateLimitPerMinute ?? 600;
    const w = this.window ?? { start: Date.now(), count: 0 };
    const reset = Math.ceil((w.start + (this.options.rateLimitWindowMs ?? 60_000)) / 1000);
    return {
      "x-rate-limit-limit": String(limit),
      "x-rate-limit-remaining": String(Math.max(0, limit - w.count)),
      "x-rate-limit-reset": String(reset),
      "x-okta-request-id": randomBytes(10).toString("base64url"),
      date: new Date().toUTCString(),
    };
  }

  private error(status: number, errorCode: string, errorSummary: string): Reply {
    const headers = this.commonHeaders();
    if (status === 429) headers["x-rate-limit-reset"] = String(Math.ceil(Date.now() / 1000) + 1);
    return {
      status,
      headers,
      body: { errorCode, errorSummary, errorLink: errorCode, errorId: `oae${randomBytes(8).toString("hex")}`, errorCauses: [] },
    };
  }

  private user(id: string): LocalOktaUser {
    const u = this.users.get(id);
    if (!u) throw new Error(`no Okta user ${id}`);
    return u;
  }

  private group(id: string): LocalOktaGroup {
    const g = this.groups.get(id);
    if (!g) throw new Error(`no Okta group ${id}`);
    return g;
  }

  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }
}

function matches(expr: SearchExpr, obj: any): boolean {
  if ("left" in expr) {
    return expr.op === "and" ? matches(expr.left, obj) && matches(expr.right, obj) : matches(expr.left, obj) || matches(expr.right, obj);
  }
  const raw = expr.attribute.split(".").reduce((o: any, k: string) => (o == null ? undefined : o[k]), obj);
  if (expr.op === "pr") return raw !== undefined && raw !== null && raw !== "";
  if (raw === undefined || raw === null) return false;
  // Okta compares string values case-insensitively in `search` (okta-api.md section 2).
  const a = String(raw).toLowerCase();
  const b = expr.value.toLowerCase();
  switch (expr.op) {
    case "eq":
      return a === b;
    case "sw":
      return a.startsWith(b);
    case "co":
      return a.includes(b);
    case "gt":
      return a > b;
    case "ge":
      return a >= b;
    case "lt":
      return a < b;
    case "le":
      return a <= b;
  }
}
