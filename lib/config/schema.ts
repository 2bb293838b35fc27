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

export const groupMappingSchema = z
  .object({
    /** An Okta group `search` expression, e.g. `type eq "OKTA_GROUP" and profile.name sw "ml-"`. */
    okta_group_filter: z.string().min(1),
    braintrust_orgs: orgAliases,
    enabled: z.boolean().default(true),
  })
  .strict();

export const syncRulesSchema = z
  .object({
    users: z
      .object({
        enabled: z.boolean().default(true),
        mappings: z.array(userMappingSchema).min(1),
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
