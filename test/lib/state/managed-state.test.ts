import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readManagedOrg } from "../../../lib/state/managed-state";
import { writePending } from "../../../providers/braintrust/pending";

describe("reading what the tool manages from state", () => {
  const dir = mkdtempSync(join(tmpdir(), "obsync-state-"));

  it("reports a missing state as nothing applied yet, with pending invitees still listed", () => {
    writePending(join(dir, "pending"), { group: "g", email: "x@x.example", attempt: "1", resolved: false });
    writePending(join(dir, "pending"), { group: "g", email: "y@x.example", attempt: "1", resolved: true });
    const org = readManagedOrg("acme", join(dir, "none.tfstate"), join(dir, "pending"));
    expect(org).toMatchObject({ exists: false, members: [], groups: [], pending: [{ group: "g", email: "x@x.example" }] });
  });

  it("refuses a state it cannot read, saying how to recover", () => {
    const broken = join(dir, "broken.tfstate");
    writeFileSync(broken, "{not json");
    expect(() => readManagedOrg("acme", broken, join(dir, "p"))).toThrow(`${broken} is not valid JSON`);
    const old = join(dir, "old.tfstate");
    writeFileSync(old, JSON.stringify({ version: 3 }));
    expect(() => readManagedOrg("acme", old, join(dir, "p"))).toThrow(`${old} has state format version 3; this tool reads version 4`);
  });

  it("reads terraform_data and null_resource instances alike, ignores other resources, and lists tainted ones as failed", () => {
    const file = join(dir, "acme.tfstate");
    const inst = (key: string, spec: object, status?: string) => ({ index_key: key, ...(status ? { status } : {}), attributes: { triggers_replace: { value: spec, type: ["object", {}] } } });
    writeFileSync(
      file,
      JSON.stringify({
        version: 4,
        serial: 7,
        resources: [
          { mode: "managed", type: "terraform_data", name: "members_00", instances: [inst("m0001", { bucket: "m0001", members: ["a@x.example"] }), inst("m0002", { bucket: "m0002", members: ["b@x.example"] }, "tainted")] },
          { mode: "managed", type: "terraform_data", name: "group_01", instances: [inst("ml", { name: "ml" })] },
          { mode: "managed", type: "null_resource", name: "group_settings_00", instances: [{ index_key: "ml#12345678", attributes: { triggers: { spec: JSON.stringify({ name: "ml", description: "ML team" }) } } }] },
          { mode: "managed", type: "terraform_data", name: "group_members_03", instances: [inst("ml", { group: "ml", members: ["a@x.example"], previous: ["gone@x.example"] })] },
          { mode: "managed", type: "terraform_data", name: "something_else", instances: [inst("zzz", {})] },
        ],
      }),
    );
    const org = readManagedOrg("acme", file, join(dir, "none"));
    expect(org).toMatchObject({
      exists: true,
      serial: 7,
      members: ["a@x.example"],
      groups: [{ name: "ml", description: "ML team", members: ["a@x.example"] }],
      memberships: 1,
      failed: [{ kind: "members", key: "m0002" }],
    });
  });
});
