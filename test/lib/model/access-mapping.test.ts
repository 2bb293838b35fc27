import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/config/load-config";
import { ConfigError } from "../../../lib/config/config-error";
import {
  braintrustGroupName,
  computeDesiredState,
  conditionHolds,
  DesiredStateError,
  evictionsFor,
  projectMatches,
  removalReasons,
} from "../../../lib/model/desired-state";
import type { OktaGroup, OktaUser } from "../../../lib/okta/okta-client";
import { groupDecision, memberDecision, globMatch } from "../../../providers/braintrust/policy";

const HEAD = `
okta: { domain: x.okta.com, api_token: "\${T}" }
braintrust_orgs:
  a: { api_key: "\${A}" }
`;
const cfg = (body: string) => parseConfig(HEAD + body, "t.yaml", {});
const user = (id: string, profile: Record<string, unknown>, status = "ACTIVE"): OktaUser => ({ id, status, profile: { login: `${id}@login.example`, ...profile } });
const group = (id: string, name: string, description = ""): OktaGroup => ({ id, profile: { name, description } });

describe("group naming per group mapping", () => {
  const config = cfg(`
sync_rules:
  users: { mappings: [{ okta_filter: x, braintrust_orgs: [a] }] }
  groups:
    mappings:
      - okta_group_filter: x
        braintrust_orgs: [a]
        name_transform: "okta-{name}"
        okta_group_mappings:
          - { okta_group_name: ml-research, braintrust_group_name: Research }
          - { okta_group_pattern: "team-(.*)-admins", braintrust_group_name: "admins-$1" }
        exclude_groups: ["^legacy-", "-archive$"]
`);
  const mapping = config.sync_rules.groups.mappings[0];

  it("explicit names first (exact, then pattern with captures), then the template; excluded groups are left out", () => {
    expect(braintrustGroupName(mapping, "ml-research")).toBe("Research");
    expect(braintrustGroupName(mapping, "team-data-admins")).toBe("admins-data");
    expect(braintrustGroupName(mapping, "evals")).toBe("okta-evals");
    expect(braintrustGroupName(mapping, "legacy-ml")).toBeUndefined();
    expect(braintrustGroupName(mapping, "ml-archive")).toBeUndefined();
    // A pattern matches the whole name: "xteam-a-admins" is not "team-(.*)-admins".
    expect(braintrustGroupName(mapping, "xteam-a-admins")).toBe("okta-xteam-a-admins");
  });

  it("the original tool's {group.name} placeholder names a group as {name} does", () => {
    const c = cfg(`
sync_rules:
  users: { mappings: [{ okta_filter: x, braintrust_orgs: [a] }] }
  groups: { mappings: [{ okta_group_filter: x, braintrust_orgs: [a], name_transform: "bt-{group.name}" }] }
`);
    expect(braintrustGroupName(c.sync_rules.groups.mappings[0], "ml")).toBe("bt-ml");
  });

  const twoOnOne = (allowMerge: boolean) =>
    cfg(`
sync_rules:
  users: { mappings: [{ okta_filter: x, braintrust_orgs: [a] }] }
  groups:
    mappings:
      - okta_group_filter: x
        braintrust_orgs: [a]
        allow_merge: ${allowMerge}
        okta_group_mappings: [{ okta_group_pattern: "ml-.*", braintrust_group_name: ml }]
`);
  const snapshot = {
    usersByMapping: [[user("u1", { email: "amy@x.example" }), user("u2", { email: "bo@x.example" })]],
    groupsByMapping: [[group("g1", "ml-a", "A"), group("g2", "ml-b", "B")]],
    memberIdsByGroup: { g1: ["u1"], g2: ["u2"] },
  };

  it("two Okta groups on one Braintrust name are an error naming both, unless allow_merge", () => {
    expect(() => computeDesiredState(twoOnOne(false), snapshot)).toThrow(DesiredStateError);
    expect(() => computeDesiredState(twoOnOne(false), snapshot)).toThrow(
      'Okta groups "ml-a" (g1, sync_rules.groups.mappings[0]) and "ml-b" (g2, sync_rules.groups.mappings[0]) would both become Braintrust group "ml" in a. To merge their members on purpose set allow_merge: true',
    );
    const [org] = computeDesiredState(twoOnOne(true), snapshot).orgs;
    expect(org.groups).toEqual([{ name: "ml", description: "A", membership: "managed" }]);
    expect(org.memberships).toEqual([
      { group: "ml", email: "amy@x.example" },
      { group: "ml", email: "bo@x.example" },
    ]);
  });
});

describe("attribute rules and default groups", () => {
  const config = cfg(`
sync_rules:
  users: { mappings: [{ okta_filter: x, braintrust_orgs: [a] }] }
  groups: { mappings: [{ okta_group_filter: x, braintrust_orgs: [a] }] }
group_assignment:
  global_config:
    attribute_mappings:
      - rule:
          logic: AND
          conditions:
            - { attribute: department, operator: equals, value: engineering }
            - { attribute: profile.title, operator: contains, value: Senior }
        braintrust_group_name: senior-engineers
      - rule:
          logic: OR
          conditions:
            - { attribute: costCenter, operator: in, value: ["100", "200"] }
            - { attribute: contractor, operator: exists }
        braintrust_group_name: budget-100-200
    default_groups: [Viewers]
`);
  const snapshot = {
    usersByMapping: [
      [
        user("u1", { email: "amy@x.example", department: "Engineering", title: "Senior Engineer", costCenter: "100" }),
        user("u2", { email: "bo@x.example", department: "Engineering", title: "Engineer" }),
        user("u3", { email: "cy@x.example", department: "Sales", contractor: true }),
      ],
    ],
    groupsByMapping: [[group("g1", "ml", "ML")]],
    memberIdsByGroup: { g1: ["u2"] },
  };

  it("combine with group-based membership; AND and OR; rule groups carry no description (left as they are)", () => {
    const [org] = computeDesiredState(config, snapshot).orgs;
    expect(org.groups).toEqual([
      { name: "Viewers", description: null, membership: "managed" },
      { name: "budget-100-200", description: null, membership: "managed" },
      { name: "ml", description: "ML", membership: "managed" },
      { name: "senior-engineers", description: null, membership: "managed" },
    ]);
    expect(org.memberships.map((m) => `${m.group}/${m.email}`)).toEqual([
      "Viewers/amy@x.example",
      "Viewers/bo@x.example",
      "Viewers/cy@x.example",
      "budget-100-200/amy@x.example",
      "budget-100-200/cy@x.example",
      "ml/bo@x.example",
      "senior-engineers/amy@x.example",
    ]);
  });

  it("each operator, case-insensitive unless asked", () => {
    const p = { department: "Engineering", tags: ["ml", "Eval"], empty: "" };
    const c = (operator: string, value?: unknown, extra: Record<string, unknown> = {}) =>
      conditionHolds({ attribute: "department", operator, value, case_sensitive: false, ...extra } as never, p);
    expect([c("equals", "engineering"), c("equals", "engineering", { case_sensitive: true }), c("not_equals", "sales")]).toEqual([true, false, true]);
    expect([c("contains", "GINE"), c("not_contains", "gine"), c("starts_with", "eng"), c("ends_with", "RING")]).toEqual([true, false, true, true]);
    expect([c("regex", "eng.*"), c("regex", "eng"), c("in", ["sales", "engineering"]), c("not_in", ["sales"])]).toEqual([true, false, true, true]);
    expect(conditionHolds({ attribute: "tags", operator: "equals", value: "eval", case_sensitive: false }, p)).toBe(true);
    expect(conditionHolds({ attribute: "empty", operator: "exists", case_sensitive: false }, p)).toBe(false);
    expect(conditionHolds({ attribute: "missing", operator: "not_exists", case_sensitive: false }, p)).toBe(true);
    expect(conditionHolds({ attribute: "missing", operator: "not_equals", value: "x", case_sensitive: false }, p)).toBe(true);
  });

  it("strategy attributes drops group-based memberships; a per-org config replaces the global one", () => {
    const c = cfg(`
sync_rules:
  users: { mappings: [{ okta_filter: x, braintrust_orgs: [a] }] }
  groups: { mappings: [{ okta_group_filter: x, braintrust_orgs: [a] }] }
group_assignment:
  global_config: { default_groups: [everyone] }
  org_configs:
    - braintrust_org: a
      group_assignment: { strategy: attributes, default_groups: [staff] }
`);
    const [org] = computeDesiredState(c, snapshot).orgs;
    expect(org.memberships.map((m) => m.group)).toEqual(["staff", "staff", "staff"]);
  });
});

describe("identity", () => {
  it("email by default, or the login, or a profile attribute; lower-cased; non-emails skipped with a warning", () => {
    const users = [user("u1", { email: "Amy@X.example", login: "AMY.L@corp.example", workEmail: "amy.w@corp.example" }), user("u2", { email: "bo@x.example", login: "bo" })];
    const snapshot = { usersByMapping: [users], groupsByMapping: [], memberIdsByGroup: {} };
    const byStrategy = (identity: string) =>
      computeDesiredState(cfg(`sync_rules:\n  users: { identity_mapping: ${identity}, mappings: [{ okta_filter: x, braintrust_orgs: [a] }] }\n`), snapshot);
    expect(byStrategy("{ strategy: email }").orgs[0].members).toEqual(["amy@x.example", "bo@x.example"]);
    const login = byStrategy("{ strategy: login }");
    expect(login.orgs[0].members).toEqual(["amy.l@corp.example"]);
    expect(login.warnings).toEqual(["Okta user u2 (bo) has no login that is an email; skipped"]);
    expect(byStrategy("{ strategy: custom_field, custom_field: workEmail }").orgs[0].members).toEqual(["amy.w@corp.example"]);
    expect(byStrategy("{ strategy: email }").orgs[0].oktaIds).toEqual({ "amy@x.example": "u1", "bo@x.example": "u2" });
  });
});

describe("projects and grants", () => {
  const projects = [
    { id: "p1", name: "eval-chat" },
    { id: "p2", name: "eval-search-archive" },
    { id: "p3", name: "Playground" },
  ];
  it("selectors are OR-ed, exclusions win, patterns match from the start", () => {
    const m = (o: Record<string, unknown>) => ({ project_names: [], project_ids: [], name_contains: [], all_projects: false, exclude_patterns: [], ...o }) as never;
    const names = (match: never) => projects.filter((p) => projectMatches(match, p)).map((p) => p.name);
    expect(names(m({ name_pattern: "eval-", exclude_patterns: [".*-archive"] }))).toEqual(["eval-chat"]);
    expect(names(m({ name_pattern: "chat" }))).toEqual([]);
    expect(names(m({ all_projects: true, exclude_patterns: ["eval-"] }))).toEqual(["Playground"]);
    expect(names(m({ name_contains: ["PLAY"], project_ids: ["p1"] }))).toEqual(["eval-chat", "Playground"]);
  });

  it("grants for matching projects and on the organization; roles with sorted permissions; a missing named project is a warning", () => {
    const c = cfg(`
sync_rules:
  users: { mappings: [{ okta_filter: x, braintrust_orgs: [a] }] }
role_project_assignment:
  global_config:
    standard_roles:
      - name: Evaluator
        description: Runs evaluations
        member_permissions: [{ permission: read }, { permission: create, restrict_object_type: experiment }]
    group_assignments:
      - { group_name: ml, role_name: Evaluator, project_match: { name_pattern: "eval-", exclude_patterns: [".*-archive"] } }
      - { group_name: ml, role_name: Evaluator, project_match: { project_names: [later] } }
      - { group_name: Engineers, permission: read, organization: true }
`);
    const d = computeDesiredState(c, { usersByMapping: [[]], groupsByMapping: [], memberIdsByGroup: {} }, { projects: { a: projects } });
    const [org] = d.orgs;
    expect(org.roles).toEqual([
      {
        name: "Evaluator",
        description: "Runs evaluations",
        member_permissions: [
          { permission: "create", restrict_object_type: "experiment" },
          { permission: "read", restrict_object_type: null },
        ],
        update_existing: false,
      },
    ]);
    expect(org.grants).toEqual([
      { group: "Engineers", object_type: "organization", permission: "read", restrict_object_type: null },
      { group: "ml", object_type: "project", project: "eval-chat", project_id: "p1", role: "Evaluator" },
    ]);
    expect(d.warnings).toEqual([
      'a grant in a names group "ml", which no mapping or rule of this org creates; it must already exist in Braintrust',
      'project "later" does not exist in a; the grant to "ml" follows on the first run after it is created',
    ]);
  });
});

describe("authoritative groups, removal reasons and the removal policy", () => {
  const org = {
    alias: "a",
    members: ["amy@x.example"],
    oktaIds: {},
    groups: [
      { name: "ml", description: "", membership: "authoritative" as const },
      { name: "evals", description: "", membership: "managed" as const },
    ],
    memberships: [{ group: "ml", email: "amy@x.example" }],
    roles: [],
    autoCreateRoles: true,
    grants: [],
  };

  it("evicts people in authoritative groups whom Okta does not put there, never from managed groups, and not those the tool added", () => {
    const inBraintrust = { ml: ["amy@x.example", "hand@x.example", "left@x.example"], evals: ["hand@x.example"] };
    expect(evictionsFor(org, inBraintrust, new Set(["ml/left@x.example"]), new Map())).toEqual([{ group: "ml", email: "hand@x.example", round: 1 }]);
  });

  it("an eviction done stays as it is (no change), and a person added by hand again gets a new round", () => {
    const previous = new Map([["ml/hand@x.example", { group: "ml", email: "hand@x.example", round: 1 }]]);
    expect(evictionsFor(org, { ml: ["amy@x.example"] }, new Set(), previous)).toEqual([{ group: "ml", email: "hand@x.example", round: 1 }]);
    expect(evictionsFor(org, { ml: ["hand@x.example"] }, new Set(), previous)).toEqual([{ group: "ml", email: "hand@x.example", round: 2 }]);
    // Okta now puts them there: the eviction goes.
    expect(evictionsFor({ ...org, memberships: [{ group: "ml", email: "hand@x.example" }] }, { ml: ["hand@x.example"] }, new Set(), previous)).toEqual([]);
  });

  it("tells deactivation, suspension, deletion and falling out of the mappings apart", () => {
    const config = cfg(`sync_rules:\n  users: { mappings: [{ okta_filter: x, braintrust_orgs: [a] }] }\n`);
    const snapshot = {
      usersByMapping: [[user("u1", { email: "dea@x.example" }, "DEPROVISIONED"), user("u2", { email: "sus@x.example" }, "SUSPENDED")]],
      groupsByMapping: [],
      memberIdsByGroup: {},
    };
    const found = [user("u3", { email: "moved@x.example" })];
    expect(removalReasons(config, snapshot, ["dea@x.example", "sus@x.example", "moved@x.example", "gone@x.example"], found)).toEqual({
      "dea@x.example": "deactivated",
      "sus@x.example": "suspended",
      "moved@x.example": "unmapped",
      "gone@x.example": "deleted",
    });
  });

  it("decides removals by remove_extra, the per-reason switches and the protect globs; built-in and foreign groups are never deleted", () => {
    const policy = cfg(`
sync_rules:
  users: { mappings: [{ okta_filter: x, braintrust_orgs: [a] }] }
deletion_policies:
  users: { remove_unmapped: false, protect: ["*@board.example", "ceo@x.example"] }
  groups: { protect: ["admins-*"] }
`).deletion_policies;
    expect(memberDecision(true, policy, "Chair@Board.example", "deactivated")).toBe("protected");
    expect(memberDecision(true, policy, "amy@x.example", "deactivated")).toBe("remove");
    expect(memberDecision(true, policy, "amy@x.example", "unmapped")).toBe("retain");
    expect(memberDecision(false, policy, "amy@x.example", "deactivated")).toBe("retain");
    expect(groupDecision(true, policy, "Owners", true)).toBe("protected_builtin");
    expect(groupDecision(true, policy, "admins-ml", true)).toBe("protected");
    expect(groupDecision(true, policy, "ml", false)).toBe("not_created_by_tool");
    expect(groupDecision(true, policy, "ml", true)).toBe("delete");
    expect(globMatch("a?c*", "ABCdef")).toBe(true);
    expect(globMatch("a.c", "abc")).toBe(false);
  });
});

describe("keys of the original tool", () => {
  it("unsupported ones are named with what to do instead; supported ones parse", () => {
    const text = `${HEAD}
sync_rules:
  users:
    identity_mapping: { strategy: mapping_file }
    mappings: [{ okta_filter: x, braintrust_orgs: [a] }]
sync_options: { dry_run: true }
group_assignment:
  global_config: { okta_group_mappings: [], default_groups: [x] }
role_project_assignment:
  global_config:
    remove_unmanaged_acls: true
    group_assignments: [{ group_name: g, role_name: r, project_match: { all_projects: true, required_tags: { a: b } } }]
deletion_policies:
  users: { okta_conditions: [{ status: SUSPENDED }] }
`;
    let error: ConfigError | undefined;
    try {
      parseConfig(text, "sync-config.yaml", {});
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.problems).toEqual([
      'sync_rules.users.identity_mapping.strategy: "mapping_file" is a value of the original tool that this tool does not support: mapping files are not supported; use strategy login or custom_field',
      "sync_options.dry_run: a key of the original tool that this tool does not support: use plan, or apply --dry-run",
      "group_assignment.global_config.okta_group_mappings: a key of the original tool that this tool does not support: name Okta groups per group mapping: sync_rules.groups.mappings[].okta_group_mappings",
      "role_project_assignment.global_config.remove_unmanaged_acls: a key of the original tool that this tool does not support: not supported: the tool never touches grants it did not make; grants it made are removed when the config drops them",
      "role_project_assignment.global_config.group_assignments[0].project_match.required_tags: a key of the original tool that this tool does not support: projects cannot be matched by tags; use project_names, name_pattern or all_projects with exclude_patterns",
      "deletion_policies.users.okta_conditions: a key of the original tool that this tool does not support: use remove_deactivated and remove_suspended",
    ]);
  });

  it("a grant needs exactly one of role and permission, and one of projects and organization", () => {
    expect(() =>
      cfg(`
sync_rules:
  users: { mappings: [{ okta_filter: x, braintrust_orgs: [a] }] }
role_project_assignment:
  global_config:
    group_assignments:
      - { group_name: g, role_name: r, permission: read, organization: true }
      - { group_name: g, role_name: r, restrict_object_type: project }
`),
    ).toThrow(
      /group_assignments\[0\]: give exactly one of role_name and permission[\s\S]*group_assignments\[1\].restrict_object_type: restrict_object_type goes with permission[\s\S]*group_assignments\[1\]: give exactly one of project_match and organization: true/,
    );
  });
});
