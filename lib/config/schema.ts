import { z } from "zod";

/**
 * The sync configuration: the one source of truth for its shape (types come from `z.infer`).
 * Keys follow the original tool's documented format (prior-art.md A.4); every object is strict, so
 * a misspelt key is an error rather than a silently ignored setting. The README's configuration
 * reference is checked against this file by a test.
 */

/** Secrets are written as `${VAR}`; the loader turns that into `{ env: "VAR" }` and never reads the value into the config. */
export const secretRef = z.object({ env: z.string() }).strict();
export type SecretRef = z.infer<typeof secretRef>;

const positiveSeconds = z.number().positive().max(600);

export const oktaSchema = z
  .object({
    /** Bare domain (`acme.okta.com`, https implied) or a full base URL (`http://127.0.0.1:8081`). */
    domain: z.string().min(1),
    /** `${VAR}` naming the environment variable that holds the SSWS API token. */
    api_token: secretRef,
    timeout_seconds: positiveSeconds.default(30),
    /** Retries of one request after 429, 5xx or a network error. */
    max_retries: z.number().int().min(0).max(20).default(5),
    /**
     * Okta requests in flight at once, further held below what X-Rate-Limit-Remaining allows
     * (Okta caps an org at 75 concurrent requests, shared by every client).
     */
    max_concurrency: z.number().int().min(1).max(50).default(8),
    /**
     * Keep group member lists under `.cache/` next to the config and re-read only groups whose
     * `lastMembershipUpdated` changed. The cache is safe to delete.
     */
    membership_cache: z.boolean().default(true),
  })
  .strict();

export const braintrustOrgSchema = z
  .object({
    /** `${VAR}` naming the environment variable that holds the org's API key. */
    api_key: secretRef,
    /** API base URL; `https://` is implied for a bare host. */
    url: z.string().min(1).default("https://api.braintrust.dev"),
    /** The Braintrust organization name, asserted on every write (`org_name`). */
    org_name: z.string().min(1).optional(),
    timeout_seconds: positiveSeconds.default(30),
  })
  .strict();

const orgAliases = z.array(z.string().min(1)).min(1);

export const userMappingSchema = z
  .object({
    /** An Okta `search` expression, e.g. `profile.department eq "Engineering"`. */
    okta_filter: z.string().min(1),
    braintrust_orgs: orgAliases,
    enabled: z.boolean().default(true),
  })
  .strict();

/** A JavaScript regular expression, checked when the config loads rather than when it is first used. */
const regex = z.string().min(1).refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, "not a valid regular expression");

/** Which Okta profile field is a person's Braintrust identity (their email in Braintrust). */
export const identityMappingSchema = z
  .object({
    /** `email` (profile.email), `login` (profile.login) or `custom_field` (the profile attribute named by `custom_field`). */
    strategy: z.enum(["email", "login", "custom_field"]).default("email"),
    custom_field: z.string().min(1).optional(),
    /** Braintrust compares emails case-insensitively, so identities are always lower-cased. */
    case_sensitive: z.literal(false, { message: "identities are always compared case-insensitively (Braintrust emails are); remove case_sensitive or set it to false" }).default(false),
  })
  .strict()
  .refine((m) => m.strategy !== "custom_field" || m.custom_field, { message: "strategy custom_field needs custom_field: the Okta profile attribute that holds the email", path: ["custom_field"] });

/** An explicit Okta group -> Braintrust group name, by exact name or by regular expression. */
export const oktaGroupNameMappingSchema = z
  .object({
    okta_group_name: z.string().min(1).optional(),
    /** Matched against the whole Okta group name; `$1`... in the Braintrust name are its capture groups. */
    okta_group_pattern: regex.optional(),
    braintrust_group_name: z.string().min(1),
  })
  .strict()
  .refine((m) => (m.okta_group_name === undefined) !== (m.okta_group_pattern === undefined), { message: "give exactly one of okta_group_name and okta_group_pattern" });

export const groupMappingSchema = z
  .object({
    /** An Okta group `search` expression, e.g. `type eq "OKTA_GROUP" and profile.name sw "ml-"`. */
    okta_group_filter: z.string().min(1),
    braintrust_orgs: orgAliases,
    enabled: z.boolean().default(true),
    /** The Braintrust name of an Okta group not named by `okta_group_mappings`: `{name}` is the Okta name (`{group.name}` also works). */
    name_transform: z.string().min(1).default("{name}"),
    /** Explicit names, tried in order before `name_transform`; the first match wins. */
    okta_group_mappings: z.array(oktaGroupNameMappingSchema).default([]),
    /** Okta groups whose names match one of these regular expressions (whole name) are left out. */
    exclude_groups: z.array(regex).default([]),
    /** Let several Okta groups land in one Braintrust group (their members are merged); otherwise that is an error. */
    allow_merge: z.boolean().default(false),
    /**
     * `managed`: the tool adds and removes only the memberships it made; people added by hand stay.
     * `authoritative`: the group mirrors Okta exactly; anyone else in it is removed.
     */
    membership: z.enum(["managed", "authoritative"]).default("managed"),
  })
  .strict();

export const syncRulesSchema = z
  .object({
    users: z
      .object({
        enabled: z.boolean().default(true),
        mappings: z.array(userMappingSchema).min(1),
        identity_mapping: identityMappingSchema.default({ strategy: "email", case_sensitive: false }),
      })
      .strict(),
    groups: z
      .object({
        enabled: z.boolean().default(true),
        mappings: z.array(groupMappingSchema).default([]),
      })
      .strict()
      .default({ enabled: true, mappings: [] }),
  })
  .strict();

export const syncOptionsSchema = z
  .object({
    /** Remove members and delete groups from Braintrust when they leave the desired state. Off: they are retained (audited). */
    remove_extra: z.boolean().default(false),
    /** Whether Braintrust emails the people it invites. */
    send_invite_emails: z.boolean().default(true),
  })
  .strict();

export const terraformSchema = z
  .object({
    /** `terraform_data` (built in, no download) or `null_resource` (needs the hashicorp/null provider). */
    resource_type: z.enum(["terraform_data", "null_resource"]).default("terraform_data"),
    /** Directory of the local state files, `<state_dir>/<alias>.tfstate`, relative to the config file. */
    state_dir: z.string().min(1).default("state"),
    /**
     * Resource blocks per kind (DESIGN.md fact 7: keep each block to about 50 instances), or `auto`
     * (a power of two that does so as the directory grows). Instances already in state stay in
     * their block, so changing it never moves one.
     */
    shards_per_kind: z.union([z.literal("auto"), z.number().int().min(1).max(10_000)]).default("auto"),
  })
  .strict();

export const auditSchema = z
  .object({
    /** Directory of the JSON Lines audit events, relative to the config file. */
    directory: z.string().min(1).default("logs/audit"),
  })
  .strict();

export const safetySchema = z
  .object({
    /**
     * The removal guard: `apply` stops before changing anything when an org's plan removes more
     * members, groups and memberships than this, unless run with `--allow-mass-removal`.
     */
    max_removals: z.number().int().min(0).default(10),
  })
  .strict();


export const ATTRIBUTE_OPERATORS = ["equals", "not_equals", "contains", "not_contains", "starts_with", "ends_with", "regex", "in", "not_in", "exists", "not_exists"] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** One test on an Okta profile attribute (`department`, or `profile.department`). */
export const attributeConditionSchema = z
  .object({
    attribute: z.string().min(1),
    operator: z.enum(ATTRIBUTE_OPERATORS),
    /** A value; a list for `in` and `not_in`; none for `exists` and `not_exists`. */
    value: z.union([scalar, z.array(scalar)]).optional(),
    case_sensitive: z.boolean().default(false),
  })
  .strict()
  .superRefine((c, ctx) => {
    const needsList = c.operator === "in" || c.operator === "not_in";
    const needsNone = c.operator === "exists" || c.operator === "not_exists";
    if (needsNone && c.value !== undefined) ctx.addIssue({ code: "custom", path: ["value"], message: `operator ${c.operator} takes no value` });
    if (!needsNone && c.value === undefined) ctx.addIssue({ code: "custom", path: ["value"], message: `operator ${c.operator} needs a value` });
    if (needsList && c.value !== undefined && !Array.isArray(c.value)) ctx.addIssue({ code: "custom", path: ["value"], message: `operator ${c.operator} needs a list of values` });
    if (!needsList && Array.isArray(c.value)) ctx.addIssue({ code: "custom", path: ["value"], message: `operator ${c.operator} takes one value, not a list (use in)` });
    if (c.operator === "regex" && typeof c.value === "string" && !regex.safeParse(c.value).success) ctx.addIssue({ code: "custom", path: ["value"], message: "not a valid regular expression" });
  });

export const attributeMappingSchema = z
  .object({
    rule: z
      .object({
        conditions: z.array(attributeConditionSchema).min(1),
        /** `AND`: every condition holds; `OR`: at least one. */
        logic: z.enum(["AND", "OR"]).default("AND"),
      })
      .strict(),
    braintrust_group_name: z.string().min(1),
    /** Kept from the original tool's format; rules are independent, so order does not change the result. */
    priority: z.number().int().default(0),
  })
  .strict();

/** Group membership from Okta profile attributes, and groups every synced user is in. */
export const groupAssignmentConfigSchema = z
  .object({
    /** `okta_groups`: memberships from group mappings only; `attributes`: from attribute_mappings and default_groups only; `hybrid`: both. */
    strategy: z.enum(["okta_groups", "attributes", "hybrid"]).default("hybrid"),
    /** How the two sources combine: `merge` (a person is in the union). */
    hybrid_mode: z.literal("merge", { message: "only merge is supported: a person is in every group either source gives them" }).default("merge"),
    attribute_mappings: z.array(attributeMappingSchema).default([]),
    /** Braintrust groups every synced member of the org is in (built-in ones such as Viewers work). */
    default_groups: z.array(z.string().min(1)).default([]),
  })
  .strict()
  .refine((c) => c.strategy !== "okta_groups" || (c.attribute_mappings.length === 0 && c.default_groups.length === 0), {
    message: "strategy okta_groups ignores attribute_mappings and default_groups; set strategy: hybrid to use them",
  });

export const PERMISSIONS = ["create", "read", "update", "delete", "create_acls", "read_acls", "update_acls", "delete_acls"] as const;
export const ACL_OBJECT_TYPES = ["organization", "project", "experiment", "dataset", "prompt", "prompt_session", "group", "role", "org_member", "project_log", "org_project"] as const;

export const roleSchema = z
  .object({
    name: z.string().min(1).max(255),
    description: z.string().default(""),
    member_permissions: z
      .array(z.object({ permission: z.enum(PERMISSIONS), restrict_object_type: z.enum(ACL_OBJECT_TYPES).nullable().default(null) }).strict())
      .min(1),
  })
  .strict();

/** Projects chosen by name, id, pattern or "all"; selectors are OR-ed, then exclusions apply. */
export const projectMatchSchema = z
  .object({
    project_names: z.array(z.string().min(1)).default([]),
    project_ids: z.array(z.string().min(1)).default([]),
    /** A regular expression matched from the start of the name (like the original tool's re.match); case-sensitive. */
    name_pattern: regex.optional(),
    /** Case-insensitive. */
    name_contains: z.array(z.string().min(1)).default([]),
    name_starts_with: z.string().min(1).optional(),
    name_ends_with: z.string().min(1).optional(),
    all_projects: z.boolean().default(false),
    /** Regular expressions (matched from the start); a matching project is left out. */
    exclude_patterns: z.array(regex).default([]),
  })
  .strict()
  .refine(
    (m) => m.all_projects || m.project_names.length > 0 || m.project_ids.length > 0 || m.name_pattern !== undefined || m.name_contains.length > 0 || m.name_starts_with !== undefined || m.name_ends_with !== undefined,
    { message: "choose projects: project_names, project_ids, name_pattern, name_contains, name_starts_with, name_ends_with or all_projects: true" },
  );

/** A grant: a Braintrust group gets a role or a permission on the organization or on projects. */
export const groupGrantSchema = z
  .object({
    group_name: z.string().min(1),
    role_name: z.string().min(1).optional(),
    permission: z.enum(PERMISSIONS).optional(),
    /** With `permission` only (Braintrust rejects it with a role): the grant applies to objects of this type. */
    restrict_object_type: z.enum(ACL_OBJECT_TYPES).optional(),
    project_match: projectMatchSchema.optional(),
    /** Grant on the organization itself instead of on projects. */
    organization: z.boolean().default(false),
    enabled: z.boolean().default(true),
    /** Kept from the original tool's format; grants are independent, so it changes nothing. */
    priority: z.number().int().default(0),
  })
  .strict()
  .superRefine((g, ctx) => {
    if ((g.role_name === undefined) === (g.permission === undefined)) ctx.addIssue({ code: "custom", message: "give exactly one of role_name and permission" });
    if (g.restrict_object_type && !g.permission) ctx.addIssue({ code: "custom", path: ["restrict_object_type"], message: "restrict_object_type goes with permission, not with role_name (Braintrust rejects it on a role grant)" });
    if (g.organization === (g.project_match !== undefined)) ctx.addIssue({ code: "custom", message: "give exactly one of project_match and organization: true" });
  });

export const roleProjectConfigSchema = z
  .object({
    standard_roles: z.array(roleSchema).default([]),
    /** `false`: roles named in grants must already exist in Braintrust. */
    auto_create_roles: z.boolean().default(true),
    /** `true`: also bring roles that existed before the tool to the configured permissions; roles the tool created are always kept up to date. */
    update_existing_roles: z.boolean().default(false),
    group_assignments: z.array(groupGrantSchema).default([]),
  })
  .strict();


/** A glob: `*` is any run of characters, `?` one character; case-insensitive. */
const globs = z.array(z.string().min(1)).default([]);

export const deletionPoliciesSchema = z
  .object({
    users: z
      .object({
        /** `false`: no member is ever removed from an org (they are retained and no longer managed). */
        enabled: z.boolean().default(true),
        /** Remove a member whose Okta account is deactivated (DEPROVISIONED) or deleted. */
        remove_deactivated: z.boolean().default(true),
        /** Remove a member whose Okta account is SUSPENDED. */
        remove_suspended: z.boolean().default(true),
        /** Remove a member who is active in Okta but falls out of every user mapping of the org. */
        remove_unmapped: z.boolean().default(true),
        /** Emails (globs) never removed from an org. */
        protect: globs,
      })
      .strict()
      .default({ enabled: true, remove_deactivated: true, remove_suspended: true, remove_unmapped: true, protect: [] }),
    groups: z
      .object({
        /** `false`: no group is ever deleted. Built-in groups and groups the tool did not create never are. */
        enabled: z.boolean().default(true),
        /** Group names (globs) never deleted. */
        protect: globs,
        /** When set, only groups whose names match (globs) may be deleted. */
        target_groups: z.array(z.string().min(1)).optional(),
      })
      .strict()
      .default({ enabled: true, protect: [] }),
    acls: z
      .object({
        /** `false`: grants the config drops stay in Braintrust. Grants the tool did not make are never touched. */
        enabled: z.boolean().default(true),
      })
      .strict()
      .default({ enabled: true }),
  })
  .strict();

export const configSchema = z
  .object({
    okta: oktaSchema,
    braintrust_orgs: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,62}$/, "an org alias starts with a letter and holds only letters, digits, _ and -"), braintrustOrgSchema),
    sync_modes: z
      .object({
        declarative: z.object({ enabled: z.literal(true, { message: "only declarative mode exists; set it to true or leave it out" }).default(true) }).strict().default({ enabled: true }),
      })
      .strict()
      .default({ declarative: { enabled: true } }),
    sync_rules: syncRulesSchema,
    group_assignment: z
      .object({ global_config: groupAssignmentConfigSchema.optional(), org_configs: z.array(z.object({ braintrust_org: z.string().min(1), group_assignment: groupAssignmentConfigSchema, enabled: z.boolean().default(true) }).strict()).default([]) })
      .strict()
      .optional(),
    role_project_assignment: z
      .object({ global_config: roleProjectConfigSchema.optional(), org_configs: z.array(z.object({ braintrust_org: z.string().min(1), role_project_config: roleProjectConfigSchema, enabled: z.boolean().default(true) }).strict()).default([]) })
      .strict()
      .optional(),
    deletion_policies: deletionPoliciesSchema.default({
      users: { enabled: true, remove_deactivated: true, remove_suspended: true, remove_unmapped: true, protect: [] },
      groups: { enabled: true, protect: [] },
      acls: { enabled: true },
    }),
    sync_options: syncOptionsSchema.default({ remove_extra: false, send_invite_emails: true }),
    terraform: terraformSchema.default({ resource_type: "terraform_data", state_dir: "state", shards_per_kind: "auto" }),
    audit: auditSchema.default({ directory: "logs/audit" }),
    safety: safetySchema.default({ max_removals: 10 }),
  })
  .strict();

export type SyncConfig = z.infer<typeof configSchema>;
export type BraintrustOrgConfig = z.infer<typeof braintrustOrgSchema>;
export type UserMapping = z.infer<typeof userMappingSchema>;
export type GroupMapping = z.infer<typeof groupMappingSchema>;
export type GroupAssignmentConfig = z.infer<typeof groupAssignmentConfigSchema>;
export type AttributeCondition = z.infer<typeof attributeConditionSchema>;
export type RoleProjectConfig = z.infer<typeof roleProjectConfigSchema>;
export type RoleConfig = z.infer<typeof roleSchema>;
export type GroupGrant = z.infer<typeof groupGrantSchema>;
export type ProjectMatch = z.infer<typeof projectMatchSchema>;
export type DeletionPolicies = z.infer<typeof deletionPoliciesSchema>;
