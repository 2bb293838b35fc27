import { BraintrustClient } from "../../providers/braintrust/client";
import { ApiError } from "../http/api-error";
import type { LoadedConfig } from "../config/load-config";
import type { HttpLog } from "../log/structured-log";
import { roleConfigFor } from "../model/desired-state";
import { baseUrlOf } from "../http/base-url";
import { OktaClient } from "../okta/okta-client";
import { checkTerraformVersion, terraformBinary } from "../terraform/terraform-runner";

/** One line of `validate`: what was checked, whether it passed, and why. */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface CheckOptions {
  readonly okta: boolean;
  readonly braintrust: boolean;
  readonly terraform: boolean;
  readonly httpLog?: HttpLog;
}

/** Validate's retries are few: a wrong token should fail in seconds, not after a minute of back-off. */
const QUICK_RETRY = { retries: 1, baseDelayMs: 250, maxDelayMs: 2_000 };

/** Runs the connectivity and permission checks, reporting each result as it comes. Read-only. */
export async function runChecks(loaded: LoadedConfig, env: NodeJS.ProcessEnv, options: CheckOptions, report: (r: CheckResult) => void): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const add = (r: CheckResult) => {
    results.push(r);
    report(r);
  };
  if (options.terraform) {
    try {
      await checkTerraformVersion(env);
      add({ name: "terraform", ok: true, detail: `${terraformBinary(env)} runs and is recent enough` });
    } catch (e) {
      add({ name: "terraform", ok: false, detail: (e as Error).message });
    }
  }
  if (options.okta) await checkOkta(loaded, env, options.httpLog, add);
  if (options.braintrust) {
    for (const alias of Object.keys(loaded.config.braintrust_orgs)) await checkBraintrustOrg(loaded, alias, env, options.httpLog, add);
  }
  return results;
}

async function checkOkta(loaded: LoadedConfig, env: NodeJS.ProcessEnv, httpLog: HttpLog | undefined, add: (r: CheckResult) => void): Promise<void> {
  const { okta: cfg, sync_rules: rules } = loaded.config;
  const tokenEnv = cfg.api_token.env;
  const token = env[tokenEnv];
  if (!token) {
    add({ name: "okta token", ok: false, detail: `environment variable ${tokenEnv} (okta.api_token) is not set` });
    return;
  }
  const base = baseUrlOf(cfg.domain);
  const client = new OktaClient({ baseUrl: base, token, timeoutMs: cfg.timeout_seconds * 1000, retry: QUICK_RETRY, httpLog });
  const probe = async (name: string, run: () => Promise<unknown[]>, what: string) => {
    try {
      const n = (await run()).length;
      add({ name, ok: true, detail: `${what} (${n === 0 ? "none matched" : "a match was read"})` });
      return true;
    } catch (e) {
      add({ name, ok: false, detail: explain(e, `okta.api_token (${tokenEnv})`) });
      return false;
    }
  };
  if (!(await probe("okta users", () => client.firstPage("/api/v1/users"), `the token can read users at ${base}`))) return;
  if (!(await probe("okta groups", () => client.firstPage("/api/v1/groups"), `the token can read groups at ${base}`))) return;
  for (const [i, m] of rules.users.mappings.entries()) {
    if (!rules.users.enabled || !m.enabled) continue;
    await probe(`okta sync_rules.users.mappings[${i}]`, () => client.firstPage("/api/v1/users", { search: m.okta_filter }), `Okta accepts okta_filter ${JSON.stringify(m.okta_filter)}`);
  }
  for (const [i, m] of rules.groups.mappings.entries()) {
    if (!rules.groups.enabled || !m.enabled) continue;
    await probe(`okta sync_rules.groups.mappings[${i}]`, () => client.firstPage("/api/v1/groups", { search: m.okta_group_filter }), `Okta accepts okta_group_filter ${JSON.stringify(m.okta_group_filter)}`);
  }
}

async function checkBraintrustOrg(loaded: LoadedConfig, alias: string, env: NodeJS.ProcessEnv, httpLog: HttpLog | undefined, add: (r: CheckResult) => void): Promise<void> {
  const name = `braintrust ${alias}`;
  const org = loaded.config.braintrust_orgs[alias];
  const target = { apiUrl: baseUrlOf(org.url), orgName: org.org_name ?? null, apiKeyEnv: org.api_key.env };
  const apiKey = env[target.apiKeyEnv];
  if (!apiKey) {
    add({ name, ok: false, detail: `environment variable ${target.apiKeyEnv} (braintrust_orgs.${alias}.api_key) is not set` });
    return;
  }
  const client = new BraintrustClient({ apiUrl: target.apiUrl, apiKey, orgName: target.orgName, timeoutMs: org.timeout_seconds * 1000, retry: QUICK_RETRY, httpLog });
  try {
    const orgs = await client.organizations();
    const names = orgs.map((o) => JSON.stringify(o.name)).join(", ") || "none";
    if (target.orgName && !orgs.some((o) => o.name === target.orgName)) {
      add({ name, ok: false, detail: `the key in ${target.apiKeyEnv} works at ${target.apiUrl} but does not see org "${target.orgName}" (it sees ${names}); fix braintrust_orgs.${alias}.org_name or the key` });
      return;
    }
    if (!target.orgName && orgs.length !== 1) {
      add({ name, ok: false, detail: `the key in ${target.apiKeyEnv} sees ${orgs.length} orgs (${names}); set braintrust_orgs.${alias}.org_name to say which one to change` });
      return;
    }
    await client.firstPage("/v1/group");
    await client.firstPage("/v1/user");
    // Roles and grants: plan reads projects, apply reads roles (only when the config has them).
    const roles = roleConfigFor(loaded.config, alias);
    const more = roles && (roles.standard_roles.length > 0 || roles.group_assignments.length > 0);
    if (more) {
      await client.firstPage("/v1/role");
      await client.firstPage("/v1/project");
    }
    add({ name, ok: true, detail: `the key in ${target.apiKeyEnv} names org "${target.orgName ?? orgs[0].name}" at ${target.apiUrl} and can read its ${more ? "groups, users, roles and projects" : "groups and users"}` });
  } catch (e) {
    add({ name, ok: false, detail: explain(e, `braintrust_orgs.${alias}.api_key (${target.apiKeyEnv})`) });
  }
}

/** The API's error, plus what to do about the common ones. */
function explain(e: unknown, credential: string): string {
  const message = (e as Error).message;
  if (!(e instanceof ApiError)) return message;
  if (e.status === 401) return `${message}; the credential in ${credential} is wrong, expired or revoked`;
  if (e.status === 403) return `${message}; the credential in ${credential} lacks the permission (Okta: a read-only admin role; Braintrust: a key of an org owner)`;
  if (e.status === 400) return `${message}; check the expression in the config`;
  if (e.status === undefined) return `${message}; check the URL and that the service is reachable`;
  return message;
}
