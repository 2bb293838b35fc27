import { Testing } from "cdktf";
import { toBeValidTerraform } from "cdktf/lib/testing/matchers";
import { describe, expect, it } from "vitest";
import type { Target } from "../../../providers/braintrust/contract";
import { OrgStack } from "../../../lib/stacks/org-stack";
import { shardOf } from "../../../lib/stacks/shard";
import { escapeTemplate } from "../../../lib/stacks/terraform-escape";
import type { ResourceType } from "../../../lib/stacks/handler-instances";

const target: Target = {
  alias: "acme",
  apiUrl: "https://api.braintrust.dev",
  orgName: "Acme",
  apiKeyEnv: "BT_KEY",
  removeExtra: false,
  sendInviteEmails: true,
  auditDir: "/x/logs/audit",
  pendingDir: "/x/state/pending/acme",
  idsDir: "/x/state/ids/acme",
  ownedDir: "/x/state/owned/acme",
  policy: {
    users: { enabled: true, remove_deactivated: true, remove_suspended: true, remove_unmapped: true, protect: [] },
    groups: { enabled: true, protect: [] },
    acls: { enabled: true },
  },
  timeoutMs: 30000,
};

/* eslint-disable @typescript-eslint/no-explicit-any */
function synth(resourceType: ResourceType, shards = 4): any {
  const app = Testing.app({ enableFutureFlags: false });
  const stack = new OrgStack(app, "acme", {
    desired: {
      alias: "acme",
      members: ["a@x.com", "b@x.com"],
      oktaIds: { "a@x.com": "00u1", "b@x.com": "00u2" },
      groups: [{ name: "ml ${x}", description: "d", membership: "managed" }],
      memberships: [{ group: "ml ${x}", email: "a@x.com" }],
      roles: [],
      autoCreateRoles: true,
      grants: [],
    },
    followups: [],
    statePath: "../../../state/acme.tfstate",
    settings: { shards, resourceType, target, handlerCommand: "node '/p/handler.js'" },
  });
  return JSON.parse(Testing.synth(stack));
}

describe("the org stack", () => {
  it("emits a fixed set of for_each blocks per kind, each iterating its own locals map", () => {
    const json = synth("terraform_data");
    const names = Object.keys(json.resource.terraform_data).sort();
    const blocks = names.filter((n) => !n.endsWith("_ready"));
    expect(blocks).toHaveLength(9 * 4);
    expect(blocks).toContain("members_0");
    expect(blocks).toContain("invite_followup_3");
    for (const name of blocks) expect(json.resource.terraform_data[name].for_each).toBe(`\${local.${name}}`);
    // One barrier per kind, depending on each of its blocks; later kinds depend on barriers only.
    expect(names.filter((n) => n.endsWith("_ready"))).toEqual([
      "acl_ready",
      "group_member_eviction_ready",
      "group_members_ready",
      "group_ready",
      "group_settings_ready",
      "invite_followup_ready",
      "members_ready",
      "role_ready",
      "role_settings_ready",
    ]);
    expect(json.resource.terraform_data.members_ready.depends_on).toEqual([0, 1, 2, 3].map((i) => `terraform_data.members_${i}`));
    expect(json.resource.terraform_data.members_ready.provisioner).toBeUndefined();
    // Members in buckets (one instance per about 50), each bucket in the block its name hashes to.
    const memberLocals = [0, 1, 2, 3].map((i) => json.locals[`members_${i}`]);
    expect(Object.assign({}, ...memberLocals)).toEqual({ m0000: { bucket: "m0000", members: ["a@x.com", "b@x.com"], okta_ids: { "a@x.com": "00u1", "b@x.com": "00u2" } } });
    expect(json.locals[`members_${shardOf("m0000", 4)}`]).toHaveProperty(["m0000"]);
    expect(json.terraform.backend.local.path).toBe("../../../state/acme.tfstate");
  });

  it("escapes template sequences in data from Okta, keys included", () => {
    const json = synth("terraform_data");
    const groups = Object.assign({}, ...[0, 1, 2, 3].map((i) => json.locals[`group_${i}`]));
    expect(groups).toEqual({ "ml $${x}": { name: "ml $${x}" } });
    expect(escapeTemplate("a${b}%{c}$${d}")).toBe("a$${b}%%{c}$$${d}");
  });

  it("runs the handler on create and destroy with the spec from self and the target as a literal holding only the key's variable name", () => {
    const json = synth("terraform_data");
    const block = json.resource.terraform_data.members_0;
    expect(block.triggers_replace).toBe("${each.value}");
    const [create, destroy] = block.provisioner.map((p: any) => p["local-exec"]);
    expect(create.command).toBe("node '/p/handler.js'");
    expect(create.environment).toMatchObject({ OBSYNC_ACTION: "create", OBSYNC_KIND: "members", OBSYNC_SPEC: "${jsonencode(self.triggers_replace)}" });
    expect(destroy).toMatchObject({ when: "destroy", environment: { OBSYNC_ACTION: "destroy", OBSYNC_SPEC: "${jsonencode(self.triggers_replace)}" } });
    expect(JSON.parse(destroy.environment.OBSYNC_TARGET)).toEqual(target);
    expect(json.resource.terraform_data.group_members_0.depends_on).toEqual(["terraform_data.group_ready", "terraform_data.members_ready"]);
    expect(json.resource.terraform_data.members_0.depends_on).toBeUndefined(); // members wait for nothing (plan time at scale)
  });

  it("emits the same shape with null_resource and the null provider", () => {
    const json = synth("null_resource");
    expect(json.resource.terraform_data).toBeUndefined();
    expect(Object.keys(json.resource.null_resource)).toHaveLength(9 * 4 + 9);
    const block = json.resource.null_resource.group_members_1;
    expect(block.for_each).toBe("${local.group_members_1}");
    expect(block.triggers).toEqual({ spec: "${jsonencode(each.value)}" });
    expect(block.provisioner[1]["local-exec"].environment.OBSYNC_SPEC).toBe("${self.triggers.spec}");
    expect(json.terraform.required_providers.null.source).toBe("null");
    expect(json.provider.null).toBeDefined();
  });

  it("synthesizes valid Terraform (terraform_data needs no provider download)", () => {
    const app = Testing.app();
    const stack = new OrgStack(app, "acme", {
      desired: { alias: "acme", members: ["a@x.com"], oktaIds: {}, groups: [], memberships: [], roles: [], autoCreateRoles: true, grants: [] },
      followups: [],
      statePath: "x.tfstate",
      settings: { shards: 2, resourceType: "terraform_data", target, handlerCommand: "true" },
    });
    const result = toBeValidTerraform(Testing.fullSynth(stack));
    expect(result.pass, String(result.message)).toBe(true);
  });
});
