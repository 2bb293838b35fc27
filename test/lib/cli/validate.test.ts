import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SANDBOX_ENV } from "../../../sandbox/sample-company";
import { runCli } from "../../support/cli";
import { smallConfig } from "../../support/small-directory";
import { useSmallSandbox } from "../../support/small-sandbox";

describe("validate, and the Terraform binary", () => {
  const box = useSmallSandbox();

  it("passes every check on a good setup, one line per check", async () => {
    const r = await runCli(box.ws, ["validate"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.slice(0, -2).map((l) => l.slice(0, 6))).toEqual(Array(9).fill("ok    "));
    expect(lines.slice(-2)).toEqual(["", "All 9 checks passed."]);
    expect(lines[0]).toBe(`ok    config          ${box.ws.configFile}: 2 orgs (acme, research), 2 user mapping(s), 1 group mapping(s)`);
    expect(r.stdout).toContain(`ok    okta users      the token can read users at ${box.servers.okta.url} (a match was read)`);
    expect(r.stdout).toContain(`ok    okta sync_rules.users.mappings[1]  Okta accepts okta_filter "profile.department eq \\"Research\\"" (a match was read)`);
    expect(r.stdout).toContain(`ok    braintrust research  the key in BRAINTRUST_API_KEY_RESEARCH names org "Acme Research" at ${box.servers.braintrust.url} and can read its groups and users`);
    // Read-only: nothing was written anywhere.
    expect(box.servers.braintrust.exchanges.every((x) => x.method === "GET")).toBe(true);
  });

  it("names a bad Okta token, a wrong Braintrust key and a key of another org, and exits 1", async () => {
    const r = await runCli(box.ws, ["validate"], { OKTA_API_TOKEN: "revoked-token", BRAINTRUST_API_KEY_ACME: "not-a-key", BRAINTRUST_API_KEY_RESEARCH: SANDBOX_ENV.BRAINTRUST_API_KEY_ACME });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL  okta users      Okta GET ${box.servers.okta.url}/api/v1/users failed with HTTP 401 E0000011: Invalid token provided (X-Okta-Request-Id `);
    expect(r.stdout).toContain("); the credential in okta.api_token (OKTA_API_TOKEN) is wrong, expired or revoked\n");
    expect(r.stdout).not.toContain("okta groups");
    expect(r.stdout).toContain(
      "FAIL  braintrust acme  Braintrust GET /v1/organization failed with HTTP 401: Invalid API key; the credential in braintrust_orgs.acme.api_key (BRAINTRUST_API_KEY_ACME) is wrong, expired or revoked",
    );
    expect(r.stdout).toContain(
      `FAIL  braintrust research  the key in BRAINTRUST_API_KEY_RESEARCH works at ${box.servers.braintrust.url} but does not see org "Acme Research" (it sees "Acme"); fix braintrust_orgs.research.org_name or the key`,
    );
    expect(r.stdout).toContain("3 of 5 checks failed.");
    expect(r.stdout + r.stderr).not.toContain("revoked-token");
    expect(r.stdout + r.stderr).not.toContain("not-a-key");
  });

  it("--okta-only and --braintrust-only check one side; a missing variable is named", async () => {
    const okta = await runCli(box.ws, ["validate", "--okta-only"], { BRAINTRUST_API_KEY_ACME: "" });
    expect(okta.code).toBe(0);
    expect(okta.stdout).not.toContain("braintrust");
    expect(okta.stdout).not.toContain("terraform");
    const bt = await runCli(box.ws, ["validate", "--braintrust-only"], { BRAINTRUST_API_KEY_ACME: "" });
    expect(bt.code).toBe(1);
    expect(bt.stdout).not.toContain("okta users");
    expect(bt.stdout).toContain("FAIL  braintrust acme  environment variable BRAINTRUST_API_KEY_ACME (braintrust_orgs.acme.api_key) is not set");
    const both = await runCli(box.ws, ["validate", "--okta-only", "--braintrust-only"]);
    expect(both.code).toBe(1);
    expect(both.stderr).toBe("okta-braintrust-sync: --okta-only and --braintrust-only exclude each other; pass at most one\n");
  });

  it("an unknown key fails the schema check before any connection, with a did-you-mean", async () => {
    box.ws.writeConfig(smallConfig(box.servers.okta.url, box.servers.braintrust.url).replace("remove_extra:", "remove_extras:"));
    const r = await runCli(box.ws, ["validate"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${box.ws.configFile}: invalid configuration\n  - sync_options.remove_extras: unknown key (did you mean remove_extra?)\n`);
    expect(box.servers.okta.exchanges).toEqual([]);
  });

  it("runs TERRAFORM_BINARY when set, and says clearly when it cannot", async () => {
    const missing = await runCli(box.ws, ["validate", "--braintrust-only"], { TERRAFORM_BINARY: "/nonexistent/tofu" });
    expect(missing.code).toBe(0); // --braintrust-only skips the terraform check
    const broken = await runCli(box.ws, ["validate"], { TERRAFORM_BINARY: "/nonexistent/tofu" });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain("FAIL  terraform       cannot run /nonexistent/tofu: spawn /nonexistent/tofu ENOENT; install Terraform >= 1.4 or set TERRAFORM_BINARY");
    const planBroken = await runCli(box.ws, ["plan"], { TERRAFORM_BINARY: "/nonexistent/tofu" });
    expect(planBroken.code).toBe(1);
    expect(planBroken.stderr).toContain("okta-braintrust-sync plan: cannot run /nonexistent/tofu");

    // A wrapper that records its arguments and runs the real terraform: plan must go through it.
    const wrapper = join(box.ws.dir, "my-terraform");
    const log = join(box.ws.dir, "calls.log");
    writeFileSync(wrapper, `#!/bin/sh\necho "$1" >> '${log}'\nexec terraform "$@"\n`);
    chmodSync(wrapper, 0o755);
    const planned = await runCli(box.ws, ["plan", "--org", "acme"], { TERRAFORM_BINARY: wrapper });
    expect(planned.code, planned.stderr).toBe(2);
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual(["version", "init", "plan"]);
  });
});
