import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/config/load-config";
import { computeDesiredState } from "../../../lib/model/desired-state";
import type { OktaGroup, OktaUser } from "../../../lib/okta/okta-client";

const config = parseConfig(
  `
okta: { domain: x.okta.com, api_token: "\${T}" }
braintrust_orgs:
  a: { api_key: "\${A}" }
  b: { api_key: "\${B}" }
sync_rules:
  users:
    mappings:
      - { okta_filter: 'profile.department eq "Eng"', braintrust_orgs: [a] }
      - { okta_filter: 'status eq "SUSPENDED"', braintrust_orgs: [b] }
      - { okta_filter: 'profile.department eq "Off"', braintrust_orgs: [a, b], enabled: false }
  groups:
    mappings:
      - { okta_group_filter: 'profile.name sw "ml"', braintrust_orgs: [a, b] }
`,
  "t.yaml",
  {},
);

const user = (id: string, email: string | undefined, status = "ACTIVE"): OktaUser => ({ id, status, profile: { login: `${id}@login`, ...(email ? { email } : {}) } });
const group = (id: string, name: string, description?: string): OktaGroup => ({ id, profile: { name, description } });

describe("the desired state", () => {
  const snapshot = {
    usersByMapping: [
      [user("u2", "Zed@Example.com"), user("u1", "amy@example.com"), user("u3", undefined), user("u4", "gone@example.com", "DEPROVISIONED")],
      [user("u5", "sus@example.com", "SUSPENDED")],
      [user("u9", "never@example.com")],
    ],
    groupsByMapping: [[group("g1", "ml-b", "B"), group("g2", "ml-a")]],
    memberIdsByGroup: { g1: ["u1", "u2", "u4", "u5", "u9"], g2: ["u2"] },
  };

  it("routes users by mapping, lower-cases emails, keeps ACTIVE users unless the filter names status, and sorts", () => {
    const d = computeDesiredState(config, snapshot);
    expect(d.orgs.map((o) => o.alias)).toEqual(["a", "b"]);
    expect(d.orgs[0].members).toEqual(["amy@example.com", "zed@example.com"]);
    expect(d.orgs[1].members).toEqual(["sus@example.com"]);
  });

  it("puts each group's Okta members among the org's members into its memberships", () => {
    const [a, b] = computeDesiredState(config, snapshot).orgs;
    expect(a.groups).toEqual([
      { name: "ml-a", description: "", membership: "managed" },
      { name: "ml-b", description: "B", membership: "managed" },
    ]);
    expect(a.memberships).toEqual([
      { group: "ml-a", email: "zed@example.com" },
      { group: "ml-b", email: "amy@example.com" },
      { group: "ml-b", email: "zed@example.com" },
    ]);
    expect(b.memberships).toEqual([{ group: "ml-b", email: "sus@example.com" }]);
  });

  it("skips users without an email with a warning, and ignores disabled mappings", () => {
    const d = computeDesiredState(config, snapshot);
    expect(d.warnings).toEqual(["Okta user u3 (u3@login) has no email; skipped"]);
    expect(d.orgs.flatMap((o) => o.members)).not.toContain("never@example.com");
  });

  it("gives the same output for the same input in any order", () => {
    const shuffled = { ...snapshot, usersByMapping: [[...snapshot.usersByMapping[0]].reverse(), snapshot.usersByMapping[1], []], groupsByMapping: [[...snapshot.groupsByMapping[0]].reverse()] };
    expect(computeDesiredState(config, shuffled)).toEqual(computeDesiredState(config, snapshot));
  });

  it("two Okta groups of one name are an error, not a silent merge (allow_merge makes it one on purpose)", () => {
    expect(() => computeDesiredState(config, { ...snapshot, groupsByMapping: [[group("g1", "ml"), group("g2", "ml")]] })).toThrow(
      'Okta groups "ml" (g1, sync_rules.groups.mappings[0]) and "ml" (g2, sync_rules.groups.mappings[0]) would both become Braintrust group "ml" in a.',
    );
  });
});
