import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../lib/config/config-error";
import { parseConfig, resolveConfigPath } from "../../../lib/config/load-config";

const VALID = `
okta:
  domain: acme.okta.com
  api_token: \${OKTA_API_TOKEN}
braintrust_orgs:
  acme:
    api_key: \${BT_KEY}
sync_rules:
  users:
    mappings:
      - okta_filter: 'profile.department eq "\${DEPT:Engineering}"'
        braintrust_orgs: [acme]
`;

function problems(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(yaml, "sync-config.yaml", env);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  return [];
}

describe("loading the configuration", () => {
  it("fills defaults, substitutes ${VAR:default} and keeps secrets as variable names", () => {
    const c = parseConfig(VALID, "f.yaml", { OKTA_API_TOKEN: "secret-value" });
    expect(c.okta.api_token).toEqual({ env: "OKTA_API_TOKEN" });
    expect(c.braintrust_orgs.acme).toMatchObject({ api_key: { env: "BT_KEY" }, url: "https://api.braintrust.dev", timeout_seconds: 30 });
    expect(c.sync_rules.users.mappings[0].okta_filter).toBe('profile.department eq "Engineering"');
    expect(c.sync_options).toEqual({ remove_extra: false, send_invite_emails: true });
    expect(c.terraform).toEqual({ resource_type: "terraform_data", state_dir: "state", shards_per_kind: "auto" });
    expect(JSON.stringify(c)).not.toContain("secret-value");
  });

  it("substitutes ${VAR} from the environment", () => {
    const c = parseConfig(VALID.replace("acme.okta.com", "${OKTA_DOMAIN}"), "f.yaml", { OKTA_DOMAIN: "x.okta.com" });
    expect(c.okta.domain).toBe("x.okta.com");
  });

  it("names a missing environment variable", () => {
    expect(problems(VALID.replace("acme.okta.com", "${OKTA_DOMAIN}"))).toEqual([
      "okta.domain: environment variable OKTA_DOMAIN is not set (write ${OKTA_DOMAIN:default} to give a default)",
    ]);
  });

  it("rejects an unknown key by its path, with a did-you-mean hint", () => {
    expect(problems(VALID.replace("okta_filter:", "okta_filtr:")).sort()).toEqual([
      "sync_rules.users.mappings[0].okta_filter: required key is missing",
      "sync_rules.users.mappings[0].okta_filtr: unknown key (did you mean okta_filter?)",
    ]);
    expect(problems(VALID + "sync_options:\n  remove_extras: true\n")).toEqual(["sync_options.remove_extras: unknown key (did you mean remove_extra?)"]);
  });

  it("rejects a literal secret with a hint", () => {
    expect(problems(VALID.replace("${BT_KEY}", "sk-abc123"))).toEqual([
      "braintrust_orgs.acme.api_key: a literal secret is not accepted; write ${BRAINTRUST_API_KEY_ACME} and export BRAINTRUST_API_KEY_ACME, so that the value stays out of synthesized files, plans and state",
    ]);
    expect(problems(VALID.replace("${OKTA_API_TOKEN}", "${OKTA_API_TOKEN:00abc}"))[0]).toMatch(/^okta.api_token: a literal secret is not accepted/);
  });

  it("rejects a mapping that routes to an undefined org alias", () => {
    expect(problems(VALID.replace("braintrust_orgs: [acme]", "braintrust_orgs: [acme, labs]"))).toEqual([
      'sync_rules.users.mappings[0].braintrust_orgs[1]: "labs" is not defined under braintrust_orgs (defined: acme)',
    ]);
  });

  it("reports YAML syntax errors and wrong types", () => {
    expect(problems("okta: [unclosed")[0]).toMatch(/^YAML: /);
    expect(problems(VALID.replace("acme:\n    api_key", "acme:\n    timeout_seconds: fast\n    api_key"))).toEqual([
      "braintrust_orgs.acme.timeout_seconds: Invalid input: expected number, received string",
    ]);
  });

  it("takes the path from --config, then SYNC_CONFIG, then ./sync-config.yaml", () => {
    expect(resolveConfigPath("a.yaml", { SYNC_CONFIG: "b.yaml" }, "/w")).toBe("/w/a.yaml");
    expect(resolveConfigPath(undefined, { SYNC_CONFIG: "b.yaml" }, "/w")).toBe("/w/b.yaml");
    expect(resolveConfigPath(undefined, {}, "/w")).toBe("/w/sync-config.yaml");
  });
});
