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
  /**
   * Whether deleted (soft-deleted, `deleted_at` set) groups, roles and projects still appear in
   * lists (braintrust-api.md 2.2, UNCONFIRMED). Default false.
   */
  readonly deletedInLists?: boolean;
  /** System roles (org_id null) every org sees, e.g. ["Owner", "Engineer", "Viewer"] (names UNCONFIRMED). Default none. */
  readonly systemRoles?: readonly string[];
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
interface Role {
  id: string;
  org_id: string | null;
  user_id: string | null;
  created: string;
  name: string;
  description: string | null;
  deleted_at: string | null;
  member_permissions: { permission: string; restrict_object_type: string | null }[];
  member_roles: string[];
}
interface Project {
  id: string;
  org_id: string;
  name: string;
  description: string | null;
  created: string;
  deleted_at: string | null;
  user_id: string | null;
}
interface Acl {
  id: string;
  object_type: string;
  object_id: string;
  user_id: string | null;
  group_id: string | null;
  permission: string | null;
  restrict_object_type: string | null;
  role_id: string | null;
  _object_org_id: string;
  created: string;
}
interface Org {
  id: string;
  name: string;
  apiKey: string;
  members: Set<string>;
  /** email -> invitation (user id only when invitees are visible) */
  invites: Map<string, { groupIds: Set<string>; userId?: string }>;
  groups: Group[];
  roles: Role[];
  projects: Project[];
  acls: Acl[];
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
  private readonly systemRoles: Role[];
  private clock = Date.parse("2026-01-01T00:00:00.000Z");

  constructor(private readonly options: BraintrustServerOptions) {
    super(options.checkContract === false ? undefined : OpenApiContract.braintrust());
    this.orgs = options.orgs.map((o) => {
      const org: Org = { id: randomUUID(), name: o.name, apiKey: o.apiKey, members: new Set(), invites: new Map(), groups: [], roles: [], projects: [], acls: [], emailsSent: [] };
      for (const name of BUILT_IN_GROUP_NAMES) org.groups.push(this.newGroup(org, name, `Built-in ${name}`));
      return org;
    });
    this.systemRoles = (options.systemRoles ?? []).map((name) => this.newRole(null, name));
  }

  /** A project created in Braintrust (by a person, outside the sync). Returns its id. */
  addProject(orgName: string, name: string): string {
    const org = this.org(orgName);
    const p: Project = { id: randomUUID(), org_id: org.id, name, description: null, created: this.now(), deleted_at: null, user_id: null };
    org.projects.push(p);
    return p.id;
  }

  /** A role created by hand. */
  addRoleByHand(orgName: string, name: string, permissions: string[] = ["read"]): void {
    const org = this.org(orgName);
    const r = this.newRole(org.id, name);
    r.member_permissions = permissions.map((permission) => ({ permission, restrict_object_type: null }));
    org.roles.push(r);
  }

  /** A grant made by hand: `on` is a project name or "organization". */
  addGrantByHand(orgName: string, grant: { group: string; on: string; role?: string; permission?: string }): void {
    const org = this.org(orgName);
    const g = this.liveGroups(org).find((x) => x.name === grant.group);
    if (!g) throw new Error(`no group ${grant.group} in ${orgName}`);
    const objectId = grant.on === "organization" ? org.id : org.projects.find((p) => p.name === grant.on && !p.deleted_at)?.id;
    if (!objectId) throw new Error(`no project ${grant.on} in ${orgName}`);
    const roleId = grant.role ? this.visibleRoles(org).find((r) => r.name === grant.role && !r.deleted_at)?.id : undefined;
    if (grant.role && !roleId) throw new Error(`no role ${grant.role} in ${orgName}`);
    this.createAcl(org, { object_type: grant.on === "organization" ? "organization" : "project", object_id: objectId, group_id: g.id, role_id: roleId, permission: grant.permission });
  }

  /** Every grant of an org as a readable line: `ml-team on project:chat role:Evaluator`. */
  grants(orgName: string): string[] {
    const org = this.org(orgName);
    return org.acls
      .map((a) => {
        const who = org.groups.find((g) => g.id === a.group_id)?.name ?? `user:${a.user_id}`;
        const on = a.object_type === "organization" ? "organization" : `${a.object_type}:${org.projects.find((p) => p.id === a.object_id)?.name ?? a.object_id}`;
        const what = a.role_id ? `role:${this.visibleRoles(org).find((r) => r.id === a.role_id)?.name ?? a.role_id}` : `permission:${a.permission}${a.restrict_object_type ? `:${a.restrict_object_type}` : ""}`;
        return `${who} on ${on} ${what}`;
      })
      .sort();
  }

  /** The org's live roles: name -> description and permissions (`read`, `create:experiment`). */
  roles(orgName: string): Record<string, { description: string | null; permissions: string[] }> {
    const out: Record<string, { description: string | null; permissions: string[] }> = {};
    for (const r of this.org(orgName).roles.filter((x) => !x.deleted_at)) {
      out[r.name] = { description: r.description, permissions: r.member_permissions.map((p) => p.permission + (p.restrict_object_type ? `:${p.restrict_object_type}` : "")).sort() };
    }
    return out;
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
        return this.list(query, this.listed(org.groups).filter((g) => !name || g.name === name));
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
        org.acls = org.acls.filter((a) => a.group_id !== g.id);
        return { status: 200, body: g };
      }
    }
    const roleOrProject = this.routeRolesAndProjects(org, method, path, query, body);
    if (roleOrProject) return roleOrProject;
    const acl = this.routeAcls(org, method, path, query, body);
    if (acl) return acl;
    return { status: 400, type: "text", body: `Unsupported ${method} ${path}` };
  }

  private routeRolesAndProjects(org: Org, method: string, path: string, query: URLSearchParams, body: any): Reply | undefined {
    if (path === "/v1/role") {
      if (method === "GET") {
        const name = query.get("role_name");
        return this.list(query, this.listed(this.visibleRoles(org)).filter((r) => !name || r.name === name));
      }
      if (method === "POST") {
        if (typeof body?.name !== "string" || !body.name) return { status: 400, type: "text", body: "name is required" };
        const existing = this.visibleRoles(org).find((r) => r.name === body.name && !r.deleted_at);
        if (existing) return { status: 200, body: existing };
        const r = this.newRole(org.id, body.name);
        r.description = body.description ?? null;
        r.member_permissions = (body.member_permissions ?? []).map((p: any) => ({ permission: p.permission, restrict_object_type: p.restrict_object_type ?? null }));
        org.roles.push(r);
        return { status: 200, body: r };
      }
    }
    const rm = /^\/v1\/role\/([^/]+)$/.exec(path);
    if (rm) {
      const r = this.visibleRoles(org).find((x) => x.id === rm[1] && !x.deleted_at);
      if (!r) return { status: this.options.notFoundStatus ?? 404, type: "text", body: `Role ${rm[1]} not found` };
      if (method === "GET") return { status: 200, body: r };
      if (r.org_id === null && method !== "GET") return { status: 403, type: "text", body: "System roles cannot be modified" };
      if (method === "PATCH") {
        if (typeof body?.description === "string") r.description = body.description;
        if (typeof body?.name === "string") r.name = body.name;
        const key = (p: any) => `${p.permission}:${p.restrict_object_type ?? ""}`;
        const remove = new Set((body?.remove_member_permissions ?? []).map(key));
        r.member_permissions = r.member_permissions.filter((p) => !remove.has(key(p)));
        for (const p of body?.add_member_permissions ?? []) {
          if (!r.member_permissions.some((x) => key(x) === key(p))) r.member_permissions.push({ permission: p.permission, restrict_object_type: p.restrict_object_type ?? null });
        }
        return { status: 200, body: r };
      }
      if (method === "DELETE") {
        r.deleted_at = this.now();
        org.acls = org.acls.filter((a) => a.role_id !== r.id);
        return { status: 200, body: r };
      }
    }
    if (path === "/v1/project") {
      if (method === "GET") {
        const name = query.get("project_name");
        return this.list(query, this.listed(org.projects).filter((p) => !name || p.name === name));
      }
      if (method === "POST") {
        if (typeof body?.name !== "string" || !body.name) return { status: 400, type: "text", body: "name is required" };
        const existing = org.projects.find((p) => p.name === body.name && !p.deleted_at);
        if (existing) return { status: 200, body: existing };
        const id = this.addProject(org.name, body.name);
        return { status: 200, body: org.projects.find((p) => p.id === id) };
      }
    }
    const pm = /^\/v1\/project\/([^/]+)$/.exec(path);
    if (pm) {
      const p = org.projects.find((x) => x.id === pm[1] && !x.deleted_at);
      if (!p) return { status: this.options.notFoundStatus ?? 404, type: "text", body: `Project ${pm[1]} not found` };
      if (method === "GET") return { status: 200, body: p };
      if (method === "PATCH") {
        if (typeof body?.name === "string") p.name = body.name;
        if (typeof body?.description === "string") p.description = body.description;
        return { status: 200, body: p };
      }
      if (method === "DELETE") {
        p.deleted_at = this.now();
        org.acls = org.acls.filter((a) => a.object_id !== p.id);
        return { status: 200, body: p };
      }
    }
    return undefined;
  }

  private routeAcls(org: Org, method: string, path: string, query: URLSearchParams, body: any): Reply | undefined {
    if (path === "/v1/acl") {
      if (method === "POST") {
        const invalid = this.invalidAclItem(org, body);
        if (invalid) return { status: 400, type: "text", body: invalid };
        return { status: 200, body: this.createAcl(org, body) };
      }
      if (method === "DELETE") {
        const invalid = this.invalidAclItem(org, body);
        if (invalid) return { status: 400, type: "text", body: invalid };
        const a = org.acls.find((x) => sameAcl(x, body));
        if (!a) return { status: this.options.notFoundStatus ?? 404, type: "text", body: "ACL not found" };
        org.acls = org.acls.filter((x) => x !== a);
        return { status: 200, body: a };
      }
      if (method === "GET") {
        const type = query.get("object_type");
        const id = query.get("object_id");
        if (!type || !id) return { status: 400, type: "text", body: "object_type and object_id are required" };
        const f = (k: string) => query.get(k);
        const items = org.acls.filter(
          (a) =>
            a.object_type === type &&
            a.object_id === id &&
            (!f("group_id") || a.group_id === f("group_id")) &&
            (!f("user_id") || a.user_id === f("user_id")) &&
            (!f("role_id") || a.role_id === f("role_id")) &&
            (!f("permission") || a.permission === f("permission")),
        );
        return this.list(query, items);
      }
    }
    if (method === "POST" && path === "/v1/acl/batch_update") {
      for (const item of [...(body?.add_acls ?? []), ...(body?.remove_acls ?? [])]) {
        const invalid = this.invalidAclItem(org, item);
        if (invalid) return { status: 400, type: "text", body: invalid };
      }
      const added = (body?.add_acls ?? []).map((item: any) => this.createAcl(org, item));
      const removed: Acl[] = [];
      for (const item of body?.remove_acls ?? []) {
        const a = org.acls.find((x) => sameAcl(x, item));
        if (!a) continue; // idempotent: removing a missing ACL does nothing
        org.acls = org.acls.filter((x) => x !== a);
        removed.push(a);
      }
      return { status: 200, body: { added_acls: added, removed_acls: removed } };
    }
    if (method === "GET" && path === "/v1/acl/list_org") {
      const items = [...org.acls].sort((a, b) => (a.created < b.created ? 1 : -1));
      return { status: 200, body: items }; // a bare Acl[], as the spec says (not {objects})
    }
    const am = /^\/v1\/acl\/([^/]+)$/.exec(path);
    if (am && am[1] !== "batch_update" && am[1] !== "list_org") {
      const a = org.acls.find((x) => x.id === am[1]);
      if (!a) return { status: this.options.notFoundStatus ?? 404, type: "text", body: `ACL ${am[1]} not found` };
      if (method === "GET") return { status: 200, body: a };
      if (method === "DELETE") {
        org.acls = org.acls.filter((x) => x !== a);
        return { status: 200, body: a };
      }
    }
    return undefined;
  }

  /** The spec's exactly-one rules, and that the ids exist in this org. */
  private invalidAclItem(org: Org, item: any): string | undefined {
    if (!item || typeof item.object_type !== "string" || typeof item.object_id !== "string") return "object_type and object_id are required";
    if (!!item.user_id === !!item.group_id) return "exactly one of user_id and group_id is required";
    if (!!item.permission === !!item.role_id) return "exactly one of permission and role_id is required";
    if (item.restrict_object_type && item.role_id) return "restrict_object_type cannot be combined with role_id";
    if (item.group_id && !this.liveGroups(org).some((g) => g.id === item.group_id)) return `Group ${item.group_id} does not exist`;
    if (item.role_id && !this.visibleRoles(org).some((r) => r.id === item.role_id && !r.deleted_at)) return `Role ${item.role_id} does not exist`;
    if (item.object_type === "project" && !org.projects.some((p) => p.id === item.object_id && !p.deleted_at)) return `Project ${item.object_id} does not exist`;
    if (item.object_type === "organization" && item.object_id !== org.id) return `Organization ${item.object_id} is not this organization`;
    return undefined;
  }

  /** POST /v1/acl: returns the existing identical ACL unmodified. */
  private createAcl(org: Org, item: any): Acl {
    const existing = org.acls.find((x) => sameAcl(x, item));
    if (existing) return existing;
    const a: Acl = {
      id: randomUUID(),
      object_type: item.object_type,
      object_id: item.object_id,
      user_id: item.user_id ?? null,
      group_id: item.group_id ?? null,
      permission: item.permission ?? null,
      restrict_object_type: item.restrict_object_type ?? null,
      role_id: item.role_id ?? null,
      _object_org_id: org.id,
      created: this.now(),
    };
    org.acls.push(a);
    return a;
  }

  private visibleRoles(org: Org): Role[] {
    return [...this.systemRoles, ...org.roles];
  }

  /** What a list shows: live objects, plus deleted ones when the server is set to show them. */
  private listed<T extends { deleted_at: string | null }>(items: T[]): T[] {
    return this.options.deletedInLists ? items : items.filter((x) => !x.deleted_at);
  }

  private newRole(orgId: string | null, name: string): Role {
    return { id: randomUUID(), org_id: orgId, user_id: null, created: this.now(), name, description: null, deleted_at: null, member_permissions: [], member_roles: [] };
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

function sameAcl(a: Acl, item: any): boolean {
  return (
    a.object_type === item.object_type &&
    a.object_id === item.object_id &&
    a.user_id === (item.user_id ?? null) &&
    a.group_id === (item.group_id ?? null) &&
    a.permission === (item.permission ?? null) &&
    a.role_id === (item.role_id ?? null) &&
    a.restrict_object_type === (item.restrict_object_type ?? null)
  );
}
