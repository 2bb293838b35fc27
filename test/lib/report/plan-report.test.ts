import { describe, expect, it } from "vitest";
import { buildPlanReport, parseMembership, summaryLine } from "../../../lib/report/plan-report";
import { md, planMarkdown, planText } from "../../../lib/report/render-plan";
import type { PlannedChange } from "../../../lib/terraform/terraform-runner";

const change = (kind: PlannedChange["kind"], key: string, action: PlannedChange["action"], specs: Partial<PlannedChange> = {}): PlannedChange => ({
  kind,
  key,
  action,
  address: `terraform_data.${kind}_00[${JSON.stringify(key)}]`,
  ...specs,
});

const MIXED: PlannedChange[] = [
  change("group", "new-team", "create"),
  change("group", "old-team", "delete"),
  change("group_settings", "new-team#0a1b2c3d", "create"),
  change("group_settings", "ml/ops#11111111", "delete"),
  change("group_settings", "ml/ops#22222222", "create"),
  change("members", "m0001", "replace", { reason: "replace_because_cannot_update", before: { bucket: "m0001", members: ["ben@x.example"] }, after: { bucket: "m0001", members: ["ann@x.example"], previous: ["ben@x.example"] } }),
  change("members", "m0002", "replace", { reason: "replace_because_tainted", before: { bucket: "m0002", members: ["cat@x.example"] }, after: { bucket: "m0002", members: ["cat@x.example"] } }),
  change("group_members", "ml/ops", "replace", { reason: "replace_because_cannot_update", before: { group: "ml/ops", members: ["zed@x.example"] }, after: { group: "ml/ops", members: ["ann@x.example", "zed@x.example"], previous: ["zed@x.example"] } }),
  change("group_members", "old-team", "delete", { before: { group: "old-team", members: ["ben@x.example"] } }),
  change("invite_followup", "ml/ops/dan@x.example", "replace"),
  change("invite_followup", "ml/ops/eve@x.example", "delete"),
];

describe("the plan report (changes in Braintrust's terms)", () => {
  it("sorts each planned instance into what it does in Braintrust, with remove_extra on", () => {
    const [r] = buildPlanReport([{ alias: "acme", changes: MIXED, removeExtra: true }], 10).orgs;
    expect(r.users).toEqual({ invite: ["ann@x.example"], remove: ["ben@x.example"], retain: [], protected: [], reasons: {}, identity_changes: [] });
    // A new group's settings are part of creating it; a settings swap on an existing group is an update.
    expect(r.groups).toEqual({ create: ["new-team"], change: ["ml/ops"], delete: ["old-team"], retain: [], protected: [] });
    // Group names may hold "/": the email after the last "/" is the member.
    expect(r.memberships).toEqual({ add: [{ group: "ml/ops", email: "ann@x.example" }], remove: [{ group: "old-team", email: "ben@x.example" }], evict: [], protected: [] });
    expect(r.pending_checks).toEqual([{ group: "ml/ops", email: "dan@x.example" }]);
    expect(r.retries).toEqual([{ kind: "members", key: "m0002" }]);
    expect(r.removals).toBe(3);
    expect(r.instances).toEqual({ create: 3, delete: 4, replace: 4 });
    expect(summaryLine(r)).toBe(
      "1 member to invite, 1 member to remove, 1 group to create, 1 group to update, 1 group to delete, 1 membership to add, 1 membership to remove, 1 pending invitee to check, 1 failed change to retry",
    );
  });

  it("with remove_extra off, members and groups leaving the sync are kept, not counted as removals", () => {
    const report = buildPlanReport([{ alias: "acme", changes: MIXED, removeExtra: false }], 0);
    const [r] = report.orgs;
    expect(r.users.remove).toEqual([]);
    expect(r.users.retain).toEqual(["ben@x.example"]);
    expect(r.groups.retain).toEqual(["old-team"]);
    expect(r.removals).toBe(1);
    expect(report.safety).toEqual({ max_removals: 0, exceeded: ["acme"] });
  });

  it("the removal guard counts per org and trips only above the limit", () => {
    const removals = [change("group_members", "a", "delete", { before: { group: "a", members: ["x@x.example", "y@x.example"] } })];
    const report = buildPlanReport(
      [
        { alias: "two", changes: removals, removeExtra: false },
        { alias: "none", changes: [], removeExtra: false },
      ],
      1,
    );
    expect(report.safety.exceeded).toEqual(["two"]);
    expect(buildPlanReport([{ alias: "two", changes: removals, removeExtra: false }], 2).safety.exceeded).toEqual([]);
    expect(report.has_changes).toBe(true);
    expect(report.orgs[1]).toMatchObject({ has_changes: false, removals: 0 });
    expect(summaryLine(report.orgs[1])).toBe("no changes");
  });

  it("a group's members instance reads as the memberships it adds and takes out; replaced because tainted, it is a retry", () => {
    const changes = [
      change("group_members", "ml", "create", { after: { group: "ml", members: ["a@x.example", "b@x.example"] } }),
      change("group_members", "ops", "replace", {
        reason: "replace_because_cannot_update",
        before: { group: "ops", members: ["a@x.example", "c@x.example"] },
        after: { group: "ops", members: ["a@x.example", "d@x.example"], previous: ["a@x.example", "c@x.example"] },
      }),
      change("group_members", "qa", "replace", { reason: "replace_because_tainted", before: { group: "qa", members: ["e@x.example"] }, after: { group: "qa", members: ["e@x.example"] } }),
    ];
    const [r] = buildPlanReport([{ alias: "a", changes, removeExtra: false }], 10).orgs;
    expect(r.memberships.add.map((m) => `${m.group}/${m.email}`)).toEqual(["ml/a@x.example", "ml/b@x.example", "ops/d@x.example"]);
    expect(r.memberships.remove).toEqual([{ group: "ops", email: "c@x.example" }]);
    expect(r.retries).toEqual([{ kind: "group_members", key: "qa" }]);
    expect(r.removals).toBe(1);
  });

  it("a plan that only retires internal bookkeeping says so", () => {
    const [r] = buildPlanReport([{ alias: "a", changes: [change("invite_followup", "g/x@x.example", "delete")], removeExtra: false }], 10).orgs;
    expect(summaryLine(r)).toBe("internal bookkeeping only (no change in Braintrust)");
  });

  it("text lists every section with its count; the guard warning follows", () => {
    const report = buildPlanReport([{ alias: "acme", changes: MIXED, removeExtra: true }], 2);
    const text = planText(report);
    expect(text).toContain("  Members to remove (1):");
    expect(text).toContain("    - ben@x.example");
    expect(text).toContain("    + ml/ops ← ann@x.example");
    expect(text).toContain("    ↻ members m0002");
    expect(text.at(-1)).toBe(
      "Removal guard: acme would lose 3 members, groups, memberships, roles or grants, more than safety.max_removals (2). apply will stop unless run with --allow-mass-removal.",
    );
  });

  it("Markdown escapes hostile names and folds long lists", () => {
    const hostile = "<img src=x onerror=alert(1)>|`rm -rf`*_[x](y)";
    const many = [change("members", "m0000", "create", { after: { bucket: "m0000", members: Array.from({ length: 20 }, (_, i) => `u${String(i).padStart(2, "0")}@x.example`) } })];
    const report = buildPlanReport([{ alias: "acme", changes: [change("group", hostile, "create"), ...many], removeExtra: false }], 10);
    const text = planMarkdown(report, { executionId: "20261204T000000Z-abcdef", when: new Date("2026-12-04T00:00:00Z") });
    expect(text).toContain("- ➕ &lt;img src=x onerror=alert(1)&gt;\\|\\`rm -rf\\`\\*\\_\\[x\\](y)");
    expect(text).not.toContain("<img");
    expect(text).toContain("<details><summary>Members to invite (20)</summary>");
    expect(text).toContain("| acme | 20 | 0 | 1/0/0 | 0/0 | 0/0 | 0 | 0 |");
    expect(text.endsWith("<sub>execution 20261204T000000Z-abcdef · 2026-12-04T00:00:00.000Z</sub>\n")).toBe(true);
    expect(md("a\nb")).toBe("a b");
  });

  it("parses a membership key at the last slash", () => {
    expect(parseMembership("a/b/c@x.example")).toEqual({ group: "a/b", email: "c@x.example" });
  });
});
