import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { LocalServer, type Reply } from "./local-server";
import { OpenApiContract } from "./openapi-contract";

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface BraintrustServerOptions {
  /** Organizations and their API keys. */
  readonly orgs: readonly { readonly name: string; readonly apiKey: string }[];
  /**
   * The pending-invitee question (braintrust-api.md section 9, UNCONFIRMED), both answers:
   * `true`: an invitee gets a user id at once, appears in GET /v1/user and can be added to groups;
   * `false` (default): an invitee has no user until they accept, and then lands in the groups named
   * in their invitations.
   */
  readonly pendingUsersVisible?: boolean;
  /** Largest page a list returns (no documented maximum). Default 100. */
  readonly maxPageSize?: number;
  /** Status for an unknown object id (404 is not in the spec; UNCONFIRMED). Default 404. */
  readonly notFoundStatus?: number;
  /** Seconds sent in Retry-After on an injected 429. Default 1. */
  readonly retryAfterSeconds?: number;
  /** Check every exchange against the OpenAPI document. Default true. */
  readonly checkContract?: boolean;
}

interface User {
  id: string;
  email: string;
  given_name: string | null;
  family_name: string | null;
  created: string;
}
interface Group {
  id: string;
  org_id: string;
  user_id: string | null;
  created: string;
  name: string;
  description: string | null;
  deleted_at: string | null;
  member_users: string[];
  member_groups: string[];
}
interface Org {
  id: string;
  name: string;
  apiKey: string;
  members: Set<string>;
  /** email -> invitation (user id only when invitees are visible) */
  invites: Map<string, { groupIds: Set<string>; userId?: string }>;
  groups: Group[];
  emailsSent: string[];
}

/** What a test reads back: one org as names and emails. */
export interface OrgView {
  readonly members: string[];
  readonly pending: string[];
  readonly groups: Record<string, { description: string | null; members: string[] }>;
}

export const BUILT_IN_GROUP_NAMES = ["Owners", "Engineers", "Viewers"];

/**
 * A local Braintrust API on loopback: organizations, members and invitations, users, permission
 * groups, with the documented semantics (idempotent POST by name, PATCH deltas, `{objects}` lists
 * newest first with `starting_after`, 200 on every success) and the unknowns configurable.
 */
export class BraintrustServer extends LocalServer {
  private readonly orgs: Org[];
  private readonly users = new Map<string, User>();
  /** Lower-cased email -> user: lookups by email stay O(1) at benchmark sizes. */
  private readonly usersByEmail = new Map<string, User>();
  private clock = Date.parse("2026-01-01T00:00:00.000Z");

  constructor(private readonly options: BraintrustServerOptions) {
    super(options.checkContract === false ? undefined : OpenApiContract.braintrust());
    this.orgs = options.orgs.map((o) => {
      const org: Org = { id: randomUUID(), name: o.name, apiKey: o.apiKey, members: new Set(), invites: new Map(), groups: [], emailsSent: [] };
      for (const name of BUILT_IN_GROUP_NAMES) org.groups.push(this.newGroup(org, name, `Built-in ${name}`));
      return org;
    });
  }

  // ---- test helpers -------------------------------------------------------------------------

  /** The invitee accepts: they become a member and join the groups their invitations named. */
  accept(orgName: string, email: string): void {
    const org = this.org(orgName);
    const invite = org.invites.get(email.toLowerCase());
    if (!invite) throw new Error(`${email} has no pending invitation in ${orgName}`);
    const user = invite.userId ? this.users.get(invite.userId)! : this.ensureUser(email);
    org.members.add(user.id);
    for (const gid of invite.groupIds) {
      const g = org.groups.find((x) => x.id === gid && !x.deleted_at);
      if (g && !g.member_users.includes(user.id)) g.member_users.push(user.id);
    }
    org.invites.delete(email.toLowerCase());
  }

  /** Someone adds a member by hand (outside the sync). */
  addMemberByHand(orgName: string, email: string, groupName?: string): void {
    const org = this.org(orgName);
    const user = this.ensureUser(email);
    org.members.add(user.id);
    if (groupName) {
      const g = org.groups.find((x) => x.name === groupName && !x.deleted_at) ?? this.pushGroup(org, groupName);
      if (!g.member_users.includes(user.id)) g.member_users.push(user.id);
    }
  }

  /** A group created outside the sync (the benchmark's starting point). */
  addGroupByHand(orgName: string, name: string, description: string | null = null): void {
    const org = this.org(orgName);
    if (org.groups.some((x) => x.name === name && !x.deleted_at)) return;
    this.pushGroup(org, name).description = description;
  }

  view(orgName: string): OrgView {
    const org = this.org(orgName);
    const email = (id: string) => this.users.get(id)?.email ?? id;
    const groups: OrgView["groups"] = {};
    for (const g of org.groups.filter((x) => !x.deleted_at)) groups[g.name] = { description: g.description, members: g.member_users.map(email).sort() };
    return {
      members: [...org.members].map(email).sort(),
      pending: [...org.invites.keys()].sort(),
      groups,
    };
  }

  emailsSent(orgName: string): string[] {
    return [...this.org(orgName).emailsSent];
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  protected faultReply(status: number): Reply {
    if (status === 429) return { status, type: "text", body: "Too many requests", headers: { "retry-after": String(this.options.retryAfterSeconds ?? 1) } };
    return { status, type: "text", body: status >= 500 ? "Internal server error" : `HTTP ${status}` };
  }

  protected route(method: string, path: string, query: URLSearchParams, body: any, req: IncomingMessage): Reply {
    if (method === "GET" && path === "/v1") return { status: 200, type: "text", body: "Hello, World!" };
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
    const org = auth ? this.orgs.find((o) => o.apiKey === auth[1]) : undefined;
    if (!org) return { status: 401, type: "text", body: "Invalid API key" };
    const orgName = query.get("org_name") ?? (body && typeof body === "object" ? body.org_name : undefined);
    if (orgName && orgName !== org.name) return { status: 403, type: "text", body: `API key does not belong to organization ${orgName}` };

    if (method === "GET" && path === "/v1/organization") return this.list(query, [{ id: org.id, name: org.name, api_url: this.url, created: new Date(this.clock).toISOString() }]);
    if (method === "PATCH" && path === "/v1/organization/members") return this.patchMembers(org, body ?? {});
    if (method === "GET" && path === "/v1/user") return this.listUsers(org, query);
    if (path === "/v1/group") {
      if (method === "GET") {
        const name = query.get("group_name");
        return this.list(query, this.liveGroups(org).filter((g) => !name || g.name === name));
      }
      if (method === "POST" || method === "PUT") return this.createGroup(org, body ?? {}, method === "PUT");
    }
    const m = /^\/v1\/group\/([^/]+)$/.exec(path);
    if (m) {
      const g = this.liveGroups(org).find((x) => x.id === m[1]);
      if (!g) return { status: this.options.notFoundStatus ?? 404, type: "text", body: `Group ${m[1]} not found` };
      if (method === "GET") return { status: 200, body: g };
      if (method === "PATCH") return this.patchGroup(org, g, body ?? {});
      if (method === "DELETE") {
        g.deleted_at = this.now();
        return { status: 200, body: g };
      }
    }
    return { status: 400, type: "text", body: `Unsupported ${method} ${path}` };
  }

  private patchMembers(org: Org, body: any): Reply {
    const invite = body.invite_users;
    if (invite) {
      const groupIds = new Set<string>([...(invite.group_ids ?? []), ...(invite.group_id ? [invite.group_id] : [])]);
      for (const name of [...(invite.group_names ?? []), ...(invite.group_name ? [invite.group_name] : [])]) {
        const g = this.liveGroups(org).find((x) => x.name === name);
        if (!g) return { status: 400, type: "text", body: `Group ${name} does not exist` };
        groupIds.add(g.id);
      }
      for (const gid of groupIds) if (!this.liveGroups(org).some((g) => g.id === gid)) return { status: 400, type: "text", body: `Group ${gid} does not exist` };
      for (const raw of invite.emails ?? []) {
        const email = String(raw).toLowerCase();
        const existing = this.usersByEmail.get(email);
        if (existing && org.members.has(existing.id)) continue; // already a member: skipped
        const pending = org.invites.get(email) ?? { groupIds: new Set<string>() };
        for (const gid of groupIds) pending.groupIds.add(gid);
        if (this.options.pendingUsersVisible && !pending.userId) {
          pending.userId = this.ensureUser(email).id;
        }
        if (pending.userId) {
          for (const gid of groupIds) {
            const g = org.groups.find((x) => x.id === gid)!;
            if (!g.member_users.includes(pending.userId)) g.member_users.push(pending.userId);
          }
        }
        if (!org.invites.has(email) && invite.send_invite_emails !== false) org.emailsSent.push(email);
        org.invites.set(email, pending);
      }
    }
    const remove = body.remove_users;
    if (remove) {
      const ids = new Set<string>(remove.ids ?? []);
      for (const raw of remove.emails ?? []) {
        const email = String(raw).toLowerCase();
        const u = this.usersByEmail.get(email);
        if (u) ids.add(u.id);
        const inv = org.invites.get(email);
        if (inv?.userId) ids.add(inv.userId);
        org.invites.delete(email);
      }
      for (const id of ids) {
        org.members.delete(id);
        for (const g of org.groups) g.member_users = g.member_users.filter((x) => x !== id);
      }
    }
    return { status: 200, body: { status: "success", org_id: org.id, send_email_error: null } };
  }

  private listUsers(org: Org, query: URLSearchParams): Reply {
    const emails = query.getAll("email").map((e) => e.toLowerCase());
    const isVisible = (u: User) => org.members.has(u.id) || (this.options.pendingUsersVisible === true && org.invites.get(u.email)?.userId === u.id);
    let users: User[];
    if (emails.length > 0) {
      users = emails.map((e) => this.usersByEmail.get(e)).filter((u): u is User => u !== undefined && isVisible(u));
    } else {
      const visible = new Set(org.members);
      if (this.options.pendingUsersVisible) for (const inv of org.invites.values()) if (inv.userId) visible.add(inv.userId);
      users = [...visible].map((id) => this.users.get(id)!);
    }
    users.sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : a.id < b.id ? 1 : -1));
    return this.list(query, users, true);
  }

  private createGroup(org: Org, body: any, replace: boolean): Reply {
    if (typeof body.name !== "string" || body.name.length === 0) return { status: 400, type: "text", body: "name is required" };
    const invalid = (body.member_users ?? []).find((id: string) => !this.inOrg(org, id));
    if (invalid) return { status: 400, type: "text", body: `User ${invalid} is not a member of the organization` };
    const existing = this.liveGroups(org).find((g) => g.name === body.name);
    if (existing && !replace) return { status: 200, body: existing };
    const g = existing ?? this.pushGroup(org, body.name);
    if (body.description !== undefined) g.description = body.description;
    if (body.member_users) g.member_users = [...body.member_users];
    if (body.member_groups) g.member_groups = [...body.member_groups];
    return { status: 200, body: g };
  }

  private patchGroup(org: Org, g: Group, body: any): Reply {
    for (const id of body.add_member_users ?? []) {
      if (!this.inOrg(org, id)) return { status: 400, type: "text", body: `User ${id} is not a member of the organization` };
    }
    if (typeof body.name === "string") g.name = body.name;
    if (typeof body.description === "string") g.description = body.description;
    for (const id of body.add_member_users ?? []) if (!g.member_users.includes(id)) g.member_users.push(id);
    const remove = new Set<string>(body.remove_member_users ?? []);
    g.member_users = g.member_users.filter((id) => !remove.has(id));
    return { status: 200, body: g };
  }

  /** `{objects}` newest first; `limit` capped; `starting_after` = id of the previous page's last item. */
  private list(query: URLSearchParams, items: any[], sorted = false): Reply {
    const all = sorted ? items : [...items].sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0));
    const cap = this.options.maxPageSize ?? 100;
    const limit = Math.min(cap, query.has("limit") ? Number(query.get("limit")) : cap);
    let start = 0;
    const after = query.get("starting_after");
    if (after) {
      const i = all.findIndex((x) => x.id === after);
      start = i < 0 ? all.length : i + 1;
    }
    return { status: 200, body: { objects: all.slice(start, start + limit) } };
  }

  private inOrg(org: Org, userId: string): boolean {
    if (org.members.has(userId)) return true;
    return !!this.options.pendingUsersVisible && [...org.invites.values()].some((i) => i.userId === userId);
  }

  private liveGroups(org: Org): Group[] {
    return org.groups.filter((g) => !g.deleted_at);
  }

  private newGroup(org: Org, name: string, description: string | null = null): Group {
    return { id: randomUUID(), org_id: org.id, user_id: null, created: this.now(), name, description, deleted_at: null, member_users: [], member_groups: [] };
  }

  private pushGroup(org: Org, name: string): Group {
    const g = this.newGroup(org, name);
    org.groups.push(g);
    return g;
  }

  private ensureUser(email: string): User {
    const e = email.toLowerCase();
    const existing = this.usersByEmail.get(e);
    if (existing) return existing;
    const u: User = { id: randomUUID(), email: e, given_name: null, family_name: null, created: this.now() };
    this.users.set(u.id, u);
    this.usersByEmail.set(e, u);
    return u;
  }

  private org(name: string): Org {
    const org = this.orgs.find((o) => o.name === name);
    if (!org) throw new Error(`no org ${name} in the local Braintrust server`);
    return org;
  }

  /** A strictly increasing clock, so "newest first" is well defined. */
  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }
}
