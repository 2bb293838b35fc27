import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError } from "./config-error";
import { formatPath, substituteEnv, type PathPart } from "./env-substitution";
import { unsupportedOriginalKeys } from "./original-keys";
import { configSchema, type SyncConfig } from "./schema";

export const DEFAULT_CONFIG_FILE = "sync-config.yaml";
export const CONFIG_ENV = "SYNC_CONFIG";

export interface LoadedConfig {
  readonly config: SyncConfig;
  /** Absolute path of the file read. */
  readonly file: string;
  /** Relative paths in the config (state, audit) are resolved against this directory. */
  readonly baseDir: string;
}

/** `--config` wins, then `SYNC_CONFIG` (for `cdktf` commands), then `./sync-config.yaml`. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string {
  return resolve(cwd, flag || env[CONFIG_ENV] || DEFAULT_CONFIG_FILE);
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  if (!existsSync(file)) {
    throw new ConfigError(file, [`file not found; pass --config FILE or set ${CONFIG_ENV} (default ./${DEFAULT_CONFIG_FILE})`], "cannot read the configuration");
  }
  return { config: parseConfig(readFileSync(file, "utf8"), file, env), file, baseDir: dirname(file) };
}

/** Parses YAML text into a validated config, collecting every problem before failing. */
export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv): SyncConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(file, doc.errors.map((e) => `YAML: ${e.message.split("\n")[0]}`));
  }
  const raw = doc.toJS();
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new ConfigError(file, ["the file must hold a YAML mapping with at least okta, braintrust_orgs and sync_rules"]);
  const problems: string[] = [];
  const substituted = substituteEnv(raw, env, problems);
  const original = unsupportedOriginalKeys(substituted);
  const parsed = configSchema.safeParse(substituted);
  // A key of the original tool is explained once, not also reported as unknown.
  if (!parsed.success) problems.push(...parsed.error.issues.flatMap(describeIssue).filter((p) => !original.some((o) => o.startsWith(p.split(": ")[0] + ":"))));
  problems.unshift(...original);
  if (problems.length > 0) throw new ConfigError(file, problems);
  const config = parsed.data!;
  checkReferences(config, problems);
  if (problems.length > 0) throw new ConfigError(file, problems);
  return config;
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const path = issue.path as PathPart[];
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((k) => {
      const known = knownKeysAt(path);
      const near = closest(k, known);
      const hint = near ? ` (did you mean ${near}?)` : known.length ? ` (known keys here: ${known.join(", ")})` : "";
      return `${formatPath([...path, k])}: unknown key${hint}`;
    });
  }
  if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) return [`${formatPath(path)}: required key is missing`];
  return [`${formatPath(path)}: ${issue.message}`];
}

function checkReferences(config: SyncConfig, problems: string[]): void {
  const aliases = Object.keys(config.braintrust_orgs);
  if (aliases.length === 0) problems.push("braintrust_orgs: at least one Braintrust organization is required");
  const check = (list: string[], where: string) =>
    list.forEach((alias, i) => {
      if (!aliases.includes(alias)) problems.push(`${where}.braintrust_orgs[${i}]: "${alias}" is not defined under braintrust_orgs (defined: ${aliases.join(", ") || "none"})`);
    });
  config.sync_rules.users.mappings.forEach((m, i) => check(m.braintrust_orgs, `sync_rules.users.mappings[${i}]`));
  config.sync_rules.groups.mappings.forEach((m, i) => check(m.braintrust_orgs, `sync_rules.groups.mappings[${i}]`));
  config.group_assignment?.org_configs.forEach((c, i) => {
    if (!aliases.includes(c.braintrust_org)) problems.push(`group_assignment.org_configs[${i}].braintrust_org: "${c.braintrust_org}" is not defined under braintrust_orgs (defined: ${aliases.join(", ")})`);
  });
  config.role_project_assignment?.org_configs.forEach((c, i) => {
    if (!aliases.includes(c.braintrust_org)) problems.push(`role_project_assignment.org_configs[${i}].braintrust_org: "${c.braintrust_org}" is not defined under braintrust_orgs (defined: ${aliases.join(", ")})`);
  });
  if (config.sync_rules.users.enabled && !config.sync_rules.users.mappings.some((m) => m.enabled)) {
    problems.push("sync_rules.users.mappings: no mapping is enabled, so no user would be synced");
  }
}

/** The keys the schema knows at a path, for "did you mean" hints. */
function knownKeysAt(path: PathPart[]): string[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let node: any = configSchema;
  for (const part of path) {
    node = unwrap(node);
    if (typeof part === "number") node = node?.def?.element;
    else if (node?.def?.type === "record") node = node.def.valueType;
    else node = node?.shape?.[part];
  }
  node = unwrap(node);
  return node?.shape ? Object.keys(node.shape) : [];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function unwrap(node: any): any {
  while (node?.def && (node.def.type === "default" || node.def.type === "optional" || node.def.type === "nullable")) node = node.def.innerType;
  return node;
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
