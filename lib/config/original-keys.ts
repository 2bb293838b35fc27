import { formatPath, type PathPart } from "./env-substitution";

/**
 * Keys of the original Python tool's configuration (prior-art.md A.4) that this tool does not
 * support. A config carried over from it gets one clear line per such key, saying what to do
 * instead, rather than a bare "unknown key".
 */
const UNSUPPORTED: Record<string, string> = {
  "okta.webhook_secret": "Okta event hooks are not used: only declarative mode exists (run apply on a schedule)",
  "okta.rate_limit_per_minute": "requests are paced by Okta's X-Rate-Limit-* headers; use okta.max_concurrency to cap requests in flight",
  "okta.retry_delay_seconds": "the wait between retries follows Okta's X-Rate-Limit-Reset and an exponential backoff; remove it",
  "braintrust_orgs.<alias>.api_url": "use url (the original read api_url and ignored url)",
  "braintrust_orgs.<alias>.rate_limit_per_minute": "requests back off on Braintrust's 429 and Retry-After; remove it",
  "braintrust_orgs.<alias>.max_retries": "retries follow the built-in policy; remove it",
  "braintrust_orgs.<alias>.retry_delay_seconds": "retries follow the built-in policy; remove it",
  "sync_modes.realtime": "only declarative mode exists: run apply on a schedule (see examples/)",
  "sync_modes.priority_rules": "only declarative mode exists: run apply on a schedule (see examples/)",
  "sync_modes.declarative.schedule": "schedule apply in your CI (examples/github-actions, examples/gitlab)",
  "sync_modes.declarative.full_reconciliation": "every apply is a full reconciliation; remove it",
  "sync_modes.declarative.max_concurrent_orgs": "orgs are applied one after another; use apply --max-concurrent for changes within an org",
  "sync_rules.users.create_missing": "members are always invited; remove it",
  "sync_rules.users.update_existing": "Braintrust users cannot be updated through the API; remove it",
  "sync_rules.users.sync_profile_fields": "Braintrust users cannot be updated through the API; remove it",
  "sync_rules.users.identity_mapping.mapping_file": "mapping files are not supported; use strategy login or custom_field",
  "sync_rules.groups.create_missing": "mapped groups are always created; remove it",
  "sync_rules.groups.update_existing": "descriptions of mapped groups are always kept in step; remove it",
  "sync_rules.groups.sync_members": "memberships are always synced; choose managed or authoritative per mapping with membership",
  "sync_rules.groups.sync_description": "descriptions of mapped groups are always kept in step; remove it",
  "sync_options.dry_run": "use plan, or apply --dry-run",
  "sync_options.batch_size": "Terraform runs changes in parallel; use apply --max-concurrent",
  "sync_options.max_retries": "a failed change is retried by the next apply; remove it",
  "sync_options.retry_delay_seconds": "a failed change is retried by the next apply; remove it",
  "sync_options.continue_on_error": "use apply --continue-on-error",
  "audit.enabled": "the audit trail is always written; remove it",
  "audit.log_level": "set LOG_LEVEL (or STRUCTLOG_LEVEL) in the environment",
  "audit.log_format": "audit events are always JSON Lines; remove it",
  "audit.log_file": "use audit.directory",
  "audit.retention_days": "rotate logs/audit with your usual log retention; remove it",
  "audit.include_sensitive_data": "secrets are never written; remove it",
  state_management: "Terraform keeps the state: use terraform.state_dir",
  redis_url: "only declarative mode exists; remove it",
  database_url: "only declarative mode exists; remove it",
  "deletion_policies.users.okta_conditions": "use remove_deactivated and remove_suspended",
  "deletion_policies.users.braintrust_conditions": "not supported; protect people with deletion_policies.users.protect",
  "deletion_policies.users.scope": "removal only ever concerns members the tool manages; remove it",
  "deletion_policies.users.preserve_admin_users": "protect them by email with deletion_policies.users.protect",
  "deletion_policies.users.require_confirmation": "apply asks for confirmation on a terminal, and safety.max_removals stops mass removals",
  "deletion_policies.groups.preserve_system_groups": "built-in groups are never deleted; protect others with deletion_policies.groups.protect",
  "deletion_policies.groups.min_member_threshold": "not supported; protect groups by name with deletion_policies.groups.protect",
  "deletion_policies.acls.preserve_manual_acls": "always the case: grants the tool did not make are never touched; remove it",
  "deletion_policies.global_dry_run": "use plan, or apply --dry-run",
  "deletion_policies.require_explicit_enable": "removal is switched by sync_options.remove_extra and deletion_policies; remove it",
};

const GROUP_ASSIGNMENT: Record<string, string> = {
  okta_group_mappings: "name Okta groups per group mapping: sync_rules.groups.mappings[].okta_group_mappings",
  exclude_groups: "exclude Okta groups per group mapping: sync_rules.groups.mappings[].exclude_groups",
  sync_group_names: "unmapped Okta groups keep their names through sync_rules.groups.mappings[].name_transform (default {name}); remove it",
  auto_create_groups: "groups named by attribute_mappings and default_groups are always created when missing; remove it",
  max_groups_per_user: "not supported: a person is in every group the rules give them",
};
const ROLE_PROJECT: Record<string, string> = {
  remove_unmanaged_acls: "not supported: the tool never touches grants it did not make; grants it made are removed when the config drops them",
  dry_run: "use plan, or apply --dry-run",
};
for (const [key, why] of Object.entries(GROUP_ASSIGNMENT)) {
  UNSUPPORTED[`group_assignment.global_config.${key}`] = why;
  UNSUPPORTED[`group_assignment.org_configs[].group_assignment.${key}`] = why;
}
for (const [key, why] of Object.entries(ROLE_PROJECT)) {
  UNSUPPORTED[`role_project_assignment.global_config.${key}`] = why;
  UNSUPPORTED[`role_project_assignment.org_configs[].role_project_config.${key}`] = why;
}
UNSUPPORTED["role_project_assignment.global_config.group_assignments[].project_match.required_tags"] = "projects cannot be matched by tags; use project_names, name_pattern or all_projects with exclude_patterns";
UNSUPPORTED["role_project_assignment.org_configs[].role_project_config.group_assignments[].project_match.required_tags"] =
  UNSUPPORTED["role_project_assignment.global_config.group_assignments[].project_match.required_tags"];

/** Unsupported values of supported keys. */
const UNSUPPORTED_VALUES: Record<string, Record<string, string>> = {
  "sync_rules.users.identity_mapping.strategy": { mapping_file: "mapping files are not supported; use strategy login or custom_field" },
};

/** One problem line per key of the original tool that is not supported here. */
export function unsupportedOriginalKeys(raw: unknown): string[] {
  const problems: string[] = [];
  const walk = (node: unknown, path: PathPart[], norm: string) => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, [...path, i], `${norm}[]`));
      return;
    }
    if (!node || typeof node !== "object") {
      const why = UNSUPPORTED_VALUES[norm]?.[String(node)];
      if (why) problems.push(`${formatPath(path)}: "${String(node)}" is a value of the original tool that this tool does not support: ${why}`);
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      const keyNorm = norm === "braintrust_orgs" ? "<alias>" : key;
      const next = norm ? `${norm}.${keyNorm}` : keyNorm;
      const why = UNSUPPORTED[next];
      if (why) problems.push(`${formatPath([...path, key])}: a key of the original tool that this tool does not support: ${why}`);
      else walk(value, [...path, key], next);
    }
  };
  walk(raw, [], "");
  return problems;
}
