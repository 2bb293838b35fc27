import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BraintrustServer } from "../../sandbox/braintrust-server";
import { handle } from "../../providers/braintrust/handler";
import type { Kind, Target } from "../../providers/braintrust/contract";

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * The local Braintrust server's roles, projects and ACLs, over HTTP, every exchange checked
 * against the official description; and the handler against both answers of the
 * "do deleted objects stay in lists?" question (braintrust-api.md 2.2, UNCONFIRMED).
 */
describe("the local Braintrust server: roles, projects and ACLs", () => {
  let server: BraintrustServer;
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const r = await fetch(server.url + path, {
      method,
      headers: { Authorization: "Bearer key", "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // a text body (errors)
    }
    return { status: r.status, body: parsed };
  };

  afterEach(async () => {
    expect(server.violations).toEqual([]);
    await server.stop();
  });

  const start = async (options: Partial<ConstructorParameters<typeof BraintrustServer>[0]> = {}) => {
    server = new BraintrustServer({ orgs: [{ name: "Acme", apiKey: "key" }], ...options });
    await server.start();
  };

  it("roles: POST is idempotent by name, PATCH applies permission deltas, DELETE hides it; system roles are listed and cannot be changed", async () => {
    await start({ systemRoles: ["Viewer"] });
    const made = await call("POST", "/v1/role", { name: "Evaluator", description: "d", member_permissions: [{ permission: "read", restrict_object_type: null }] });
    expect(made.status).toBe(200);
    const again = await call("POST", "/v1/role", { name: "Evaluator", description: "other" });
    expect(again.body).toEqual(made.body);
    const patched = await call("PATCH", `/v1/role/${made.body.id}`, {
      add_member_permissions: [{ permission: "create", restrict_object_type: "experiment" }],
      remove_member_permissions: [{ permission: "read", restrict_object_type: null }],
    });
    expect(patched.body.member_permissions).toEqual([{ permission: "create", restrict_object_type: "experiment" }]);
    const listed = await call("GET", "/v1/role?org_name=Acme");
    expect(listed.body.objects.map((r: any) => [r.name, r.org_id === null])).toEqual([
      ["Evaluator", false],
      ["Viewer", true],
    ]);
    const system = listed.body.objects.find((r: any) => r.name === "Viewer");
    expect((await call("PATCH", `/v1/role/${system.id}`, { description: "x" })).status).toBe(403);
    expect((await call("DELETE", `/v1/role/${made.body.id}`)).status).toBe(200);
    expect((await call("GET", "/v1/role?role_name=Evaluator")).body.objects).toEqual([]);
  });

  it("projects: POST idempotent by name, filter by name, PATCH, DELETE", async () => {
    await start();
    const p = await call("POST", "/v1/project", { name: "chat", org_name: "Acme" });
    expect((await call("POST", "/v1/project", { name: "chat" })).body.id).toBe(p.body.id);
    expect((await call("GET", "/v1/project?project_name=chat")).body.objects).toHaveLength(1);
    expect((await call("PATCH", `/v1/project/${p.body.id}`, { description: "bots" })).body.description).toBe("bots");
    expect((await call("DELETE", `/v1/project/${p.body.id}`)).status).toBe(200);
    expect((await call("GET", "/v1/project")).body.objects).toEqual([]);
  });

  it("ACLs: the exactly-one rules, idempotent create and batch update, listing per object (required) and per org (a bare array), delete by contents and by id", async () => {
    await start();
    const project = (await call("POST", "/v1/project", { name: "chat" })).body;
    const group = (await call("POST", "/v1/group", { name: "ml" })).body;
    const role = (await call("POST", "/v1/role", { name: "Evaluator" })).body;
    const item = { object_type: "project", object_id: project.id, group_id: group.id, role_id: role.id };

    expect((await call("POST", "/v1/acl", { ...item, permission: "read" })).status).toBe(400);
    expect((await call("POST", "/v1/acl", { object_type: "project", object_id: project.id, group_id: group.id, permission: "read", restrict_object_type: "experiment", role_id: role.id })).status).toBe(400);
    const acl = (await call("POST", "/v1/acl", item)).body;
    expect((await call("POST", "/v1/acl", item)).body.id).toBe(acl.id);
    expect((await call("GET", "/v1/acl")).status).toBe(400);
    // The contract check sees the same mistake in the request.
    expect(server.violations.splice(0)).toEqual(['GET /v1/acl: required query parameter "object_type" is missing', 'GET /v1/acl: required query parameter "object_id" is missing']);
    expect((await call("GET", `/v1/acl?object_type=project&object_id=${project.id}&group_id=${group.id}`)).body.objects).toEqual([acl]);
    expect((await call("GET", `/v1/acl/${acl.id}`)).body).toEqual(acl);

    const perm = { object_type: "project", object_id: project.id, group_id: group.id, permission: "read", restrict_object_type: "experiment" };
    const batch = await call("POST", "/v1/acl/batch_update", { add_acls: [perm], remove_acls: [item, item] });
    expect(batch.body.added_acls).toHaveLength(1);
    expect(batch.body.removed_acls.map((a: any) => a.id)).toEqual([acl.id]);
    expect((await call("POST", "/v1/acl/batch_update", { remove_acls: [item] })).body).toEqual({ added_acls: [], removed_acls: [] });

    const listOrg = await call("GET", "/v1/acl/list_org?org_name=Acme");
    expect(Array.isArray(listOrg.body)).toBe(true);
    expect(listOrg.body.map((a: any) => a.permission)).toEqual(["read"]);
    expect((await call("DELETE", "/v1/acl", perm)).status).toBe(200);
    expect((await call("DELETE", "/v1/acl", perm)).status).toBe(404);
    const again = (await call("POST", "/v1/acl", item)).body;
    expect((await call("DELETE", `/v1/acl/${again.id}`)).status).toBe(200);
    expect(server.grants("Acme")).toEqual([]);
  });

  for (const deletedInLists of [false, true]) {
    it(`the handler creates a group and a role again after deleting them, whether or not lists still show deleted objects (deletedInLists: ${deletedInLists})`, async () => {
      await start({ deletedInLists });
      const dir = mkdtempSync(join(tmpdir(), "obsync-deleted-"));
      const target: Target = {
        alias: "acme",
        apiUrl: server.url,
        orgName: "Acme",
        apiKeyEnv: "KEY",
        removeExtra: true,
        policy: {
          users: { enabled: true, remove_deactivated: true, remove_suspended: true, remove_unmapped: true, protect: [] },
          groups: { enabled: true, protect: [] },
          acls: { enabled: true },
        },
        sendInviteEmails: false,
        auditDir: join(dir, "audit"),
        pendingDir: join(dir, "pending"),
        idsDir: join(dir, "ids"),
        ownedDir: join(dir, "owned"),
        timeoutMs: 5000,
      };
      const run = (action: "create" | "destroy", kind: Kind, spec: Record<string, unknown>) =>
        handle({ action, kind, spec, target, removalReasons: {}, executionId: "t" }, { KEY: "key" }, () => undefined);
      for (const kind of ["group", "role"] as const) {
        expect(await run("create", kind, { name: "ml" })).toMatchObject({ outcome: "created" });
        expect(await run("destroy", kind, { name: "ml" })).toMatchObject({ outcome: "deleted" });
        expect(await run("destroy", kind, { name: "ml" })).toMatchObject({ outcome: "already_gone" });
        expect(await run("create", kind, { name: "ml" })).toMatchObject({ outcome: "created" });
      }
      const groups = (await call("GET", "/v1/group?group_name=ml")).body.objects;
      expect(groups.filter((g: any) => !g.deleted_at)).toHaveLength(1);
      expect(groups).toHaveLength(deletedInLists ? 2 : 1);
      expect(Object.keys(server.roles("Acme"))).toEqual(["ml"]);
    });
  }
});
