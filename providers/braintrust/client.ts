import { BraintrustApiError, headerValue, urlWithoutQuery } from "../../lib/http/api-error";
import { HttpClient, type HttpResponse } from "../../lib/http/http-client";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, requestWithRetry, retryAfterMs } from "../../lib/http/retry";
import type { HttpLog } from "../../lib/log/structured-log";

/** Shapes from the Braintrust OpenAPI document (braintrust-api.md section 12), trimmed to what we use. */
export interface BtUser {
  id: string;
  email?: string | null;
  given_name?: string | null;
  family_name?: string | null;
}
export interface BtGroup {
  id: string;
  org_id: string;
  name: string;
  description?: string | null;
  member_users?: string[] | null;
  member_groups?: string[] | null;
  deleted_at?: string | null;
}
export interface BtRole {
  id: string;
  org_id?: string | null;
  name: string;
  description?: string | null;
  member_permissions?: { permission: string; restrict_object_type?: string | null }[] | null;
  deleted_at?: string | null;
}
export interface BtProject {
  id: string;
  name: string;
  deleted_at?: string | null;
}
/** The body that creates or deletes an ACL: exactly one of group_id/user_id and of permission/role_id. */
export interface AclItem {
  object_type: string;
  object_id: string;
  group_id?: string;
  role_id?: string;
  permission?: string;
  restrict_object_type?: string | null;
}
export interface BtAcl extends AclItem {
  id: string;
}
export interface PatchGroupBody {
  description?: string;
  add_member_users?: string[];
  remove_member_users?: string[];
}
export interface PatchOrgMembersBody {
  invite_users?: { emails?: string[]; group_ids?: string[]; send_invite_emails?: boolean };
  remove_users?: { emails?: string[]; ids?: string[] };
  org_name?: string;
}

export interface BraintrustClientOptions {
  readonly apiUrl: string;
  readonly apiKey: string;
  /** Sent as `org_name` on lists and writes, so the server asserts which org we change. */
  readonly orgName: string | null;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** Page size for list calls (no documented default or maximum). Default 100. */
  readonly pageSize?: number;
  readonly log?: (line: string) => void;
  /** Structured log of every HTTP exchange (LOG_LEVEL=debug). */
  readonly httpLog?: HttpLog;
}

/** The Braintrust REST calls the handler makes; every call goes through one retry layer. */
export class BraintrustClient {
  private readonly http: HttpClient;
  private readonly pageSize: number;

  constructor(private readonly options: BraintrustClientOptions) {
    this.http = new HttpClient({
      service: "braintrust",
      baseUrl: options.apiUrl,
      timeoutMs: options.timeoutMs ?? 30_000,
      headers: {
        Authorization: `Bearer ${options.apiKey}`,
        Accept: "application/json",
        "User-Agent": "okta-braintrust-sync/0.1",
      },
      httpLog: options.httpLog,
      requestIdHeaders: REQUEST_ID_HEADERS,
    });
    this.pageSize = options.pageSize ?? 100;
  }

  /** Requests sent, retries included: the handler reports it in the audit record. */
  get calls(): number {
    return this.http.calls;
  }

  /**
   * Users by email, many per request (`?email=a&email=b`, as the spec allows), so that a group's
   * members cost one lookup per hundred rather than one each. Emails without a user are absent.
   */
  async findUsersByEmail(emails: readonly string[]): Promise<Map<string, BtUser>> {
    const found = new Map<string, BtUser>();
    const wanted = [...new Set(emails.map((e) => e.toLowerCase()))];
    for (let i = 0; i < wanted.length; i += this.pageSize) {
      const chunk = wanted.slice(i, i + this.pageSize);
      const params: Record<string, string | number | readonly string[]> = { email: chunk, limit: this.pageSize };
      if (this.options.orgName) params.org_name = this.options.orgName;
      const page = await this.send<{ objects: BtUser[] }>("GET", "/v1/user", undefined, params);
      if (!page || !Array.isArray(page.objects)) throw new BraintrustApiError("GET", "/v1/user", 200, undefined, "list response has no `objects` array");
      for (const u of page.objects) {
        const e = (u.email ?? "").toLowerCase();
        if (chunk.includes(e)) found.set(e, u);
      }
    }
    return found;
  }

  findUserByEmail(email: string): Promise<BtUser | undefined> {
    return this.findFirst<BtUser>("/v1/user", { email }, (u) => (u.email ?? "").toLowerCase() === email.toLowerCase());
  }

  /** Deleted objects are skipped: whether lists still show them is UNCONFIRMED (braintrust-api.md 2.2). */
  findGroupByName(name: string): Promise<BtGroup | undefined> {
    return this.findFirst<BtGroup>("/v1/group", { group_name: name }, (g) => g.name === name && !g.deleted_at);
  }

  findRoleByName(name: string): Promise<BtRole | undefined> {
    return this.findFirst<BtRole>("/v1/role", { role_name: name }, (r) => r.name === name && !r.deleted_at);
  }

  createRole(body: { name: string; description: string; member_permissions: { permission: string; restrict_object_type: string | null }[] }): Promise<BtRole> {
    return this.send<BtRole>("POST", "/v1/role", { ...body, ...this.orgBody() });
  }

  patchRole(
    id: string,
    body: { description?: string; add_member_permissions?: { permission: string; restrict_object_type: string | null }[]; remove_member_permissions?: { permission: string; restrict_object_type: string | null }[] },
  ): Promise<BtRole> {
    return this.send<BtRole>("PATCH", `/v1/role/${encodeURIComponent(id)}`, body);
  }

  deleteRole(id: string): Promise<BtRole> {
    return this.send<BtRole>("DELETE", `/v1/role/${encodeURIComponent(id)}`);
  }

  async listProjects(): Promise<BtProject[]> {
    return (await this.listAll<BtProject>("/v1/project", {})).filter((p) => !p.deleted_at);
  }

  /** The ACLs on one object that match the item's group and role or permission. */
  async findAcls(item: AclItem): Promise<BtAcl[]> {
    const query: Record<string, string> = { object_type: item.object_type, object_id: item.object_id };
    if (item.group_id) query.group_id = item.group_id;
    if (item.role_id) query.role_id = item.role_id;
    if (item.permission) query.permission = item.permission;
    // GET /v1/acl takes no org_name: the object id already names the org.
    const all = await this.listAll<BtAcl>("/v1/acl", query, false);
    return all.filter(
      (a) =>
        a.group_id === item.group_id &&
        (a.role_id ?? undefined) === item.role_id &&
        (a.permission ?? undefined) === item.permission &&
        (a.restrict_object_type ?? null) === (item.restrict_object_type ?? null),
    );
  }

  /** POST /v1/acl returns the existing ACL when an identical one exists (braintrust-api.md 6). */
  createAcl(item: AclItem): Promise<BtAcl> {
    return this.send<BtAcl>("POST", "/v1/acl", item);
  }

  /** Idempotent: removing an ACL that is not there does nothing. */
  batchUpdateAcls(body: { add_acls?: AclItem[]; remove_acls?: AclItem[] }): Promise<{ added_acls: BtAcl[]; removed_acls: BtAcl[] }> {
    return this.send("POST", "/v1/acl/batch_update", body);
  }

  /** The id of the org this client writes to: the one named `org_name`, or the key's only org. */
  async organizationId(): Promise<string> {
    const orgs = await this.organizations();
    const org = this.options.orgName ? orgs.find((o) => o.name === this.options.orgName) : orgs.length === 1 ? orgs[0] : undefined;
    if (!org) throw new Error(this.options.orgName ? `the API key cannot see organization "${this.options.orgName}"` : `the API key sees ${orgs.length} organizations; set org_name`);
    return org.id;
  }

  listGroups(): Promise<BtGroup[]> {
    return this.listAll<BtGroup>("/v1/group", {});
  }

  /** POST returns the existing group unmodified when the name is taken (braintrust-api.md 2.2). */
  createGroup(name: string): Promise<BtGroup> {
    return this.send<BtGroup>("POST", "/v1/group", { name, ...this.orgBody() });
  }

  patchGroup(id: string, body: PatchGroupBody): Promise<BtGroup> {
    return this.send<BtGroup>("PATCH", `/v1/group/${encodeURIComponent(id)}`, body);
  }

  deleteGroup(id: string): Promise<BtGroup> {
    return this.send<BtGroup>("DELETE", `/v1/group/${encodeURIComponent(id)}`);
  }

  patchOrgMembers(body: PatchOrgMembersBody): Promise<{ status: string; org_id: string; send_email_error?: string | null }> {
    return this.send("PATCH", "/v1/organization/members", { ...body, ...this.orgBody() });
  }

  /** The organizations the key can see (one page, no `org_name` filter), so `validate` can say which org a key names. */
  async organizations(): Promise<{ id: string; name: string }[]> {
    const page = await this.send<{ objects: { id: string; name: string }[] }>("GET", "/v1/organization", undefined, { limit: this.pageSize });
    return page?.objects ?? [];
  }

  /** One page of at most `limit` objects of a list endpoint (scoped by `org_name` when set): proves the key can read them. */
  async firstPage(path: "/v1/group" | "/v1/user" | "/v1/role" | "/v1/project", limit = 1): Promise<unknown[]> {
    const params: Record<string, string | number> = { limit };
    if (this.options.orgName) params.org_name = this.options.orgName;
    const page = await this.send<{ objects: unknown[] }>("GET", path, undefined, params);
    return page?.objects ?? [];
  }

  private orgBody(): { org_name?: string } {
    return this.options.orgName ? { org_name: this.options.orgName } : {};
  }

  /**
   * A lookup by a unique key (email, group name): one call when the first page holds the match,
   * which is the usual case; otherwise it walks on, so a filter that matches loosely stays correct.
   */
  private async findFirst<T extends { id: string }>(path: string, query: Record<string, string>, wanted: (item: T) => boolean): Promise<T | undefined> {
    let after: string | undefined;
    for (;;) {
      const page = await this.page<T>(path, query, after);
      const hit = page.find(wanted);
      if (hit || page.length === 0) return hit;
      after = page[page.length - 1].id;
    }
  }

  private async page<T>(path: string, query: Record<string, string>, after: string | undefined, scoped = true): Promise<(T & { id: string })[]> {
    const params: Record<string, string | number> = { ...query, limit: this.pageSize };
    if (this.options.orgName && scoped) params.org_name = this.options.orgName;
    if (after) params.starting_after = after;
    const page = await this.send<{ objects: (T & { id: string })[] }>("GET", path, undefined, params);
    if (!page || !Array.isArray(page.objects)) {
      throw new BraintrustApiError("GET", path, 200, undefined, "list response has no `objects` array");
    }
    return page.objects;
  }

  /**
   * Walks a list with `starting_after` until an empty page. A short page is not taken as the end:
   * whether the server always fills a page is UNCONFIRMED (braintrust-api.md 2.1).
   */
  async listAll<T extends { id: string }>(path: string, query: Record<string, string>, scoped = true): Promise<T[]> {
    const all: T[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.page<T>(path, query, after, scoped);
      if (page.length === 0) return all;
      all.push(...page);
      after = page[page.length - 1].id;
    }
  }

  private async send<T>(method: string, path: string, data?: unknown, params?: Record<string, string | number | readonly string[]>): Promise<T> {
    const { response, error } = await requestWithRetry<T>(
      this.http,
      { method, url: path, body: data, params },
      this.options.retry ?? DEFAULT_RETRY_POLICY,
      {
        serverWaitMs: (r) => retryAfterMs(headerValue(r.headers, "retry-after")),
        onWait: ({ attempt, waitMs, reason }) => {
          this.options.log?.(`braintrust: ${method} ${path}: ${reason}; retry ${attempt} in ${(waitMs / 1000).toFixed(1)} s`);
        },
      },
    );
    if (!response) {
      throw new BraintrustApiError(method, urlWithoutQuery(path), undefined, undefined, (error as Error)?.message, { cause: error });
    }
    if (response.status >= 200 && response.status < 300) return response.data;
    throw new BraintrustApiError(method, urlWithoutQuery(path), response.status, requestId(response), errorDetail(response));
  }
}

/** True when an error means "the object is not there" (404 is not in the spec; 400 "not found" seen in the wild). */
export function isNotFound(error: unknown): boolean {
  if (!(error instanceof BraintrustApiError)) return false;
  if (error.status === 404) return true;
  return error.status === 400 && /not\s*found/i.test(error.detail ?? "");
}

const REQUEST_ID_HEADERS = ["x-bt-request-id", "x-amz-cf-id", "x-request-id"];

function requestId(r: HttpResponse): string | undefined {
  return REQUEST_ID_HEADERS.map((h) => headerValue(r.headers, h)).find(Boolean);
}

/** Error bodies are text or JSON of no fixed shape: try a `message`/`error` field, else the text. */
function errorDetail(r: HttpResponse): string | undefined {
  const body = r.data;
  if (body === undefined || body === null || body === "") return undefined;
  if (typeof body === "string") return body.slice(0, 300);
  if (typeof body === "object") {
    const o = body as Record<string, unknown>;
    const m = o.message ?? o.error ?? o.detail;
    if (typeof m === "string") return m.slice(0, 300);
  }
  return JSON.stringify(body).slice(0, 300);
}
