import { resolveConfigPath, loadConfig } from "../../config/load-config";
import { runChecks } from "../../validate/checks";
import { CONFIG_HELP, CONFIG_OPTION, HELP_HELP, optionLines, type Command } from "../command";
import { httpLogFor } from "../context";
import { CliError, EXIT } from "../io";

export const validate: Command = {
  name: "validate",
  summary: "Check the config, then that Terraform runs, the Okta token reads users and groups, and each org's key works",
  help: `Usage: okta-braintrust-sync validate [--config FILE] [--okta-only | --braintrust-only]

Checks the configuration file against the schema, then (read-only) that:
  - terraform (or $TERRAFORM_BINARY) runs and is >= 1.4;
  - the Okta token can read users and groups, and Okta accepts every mapping's search expression;
  - each Braintrust org's API key works, names the expected org (org_name, or the only org the key
    sees), and can read its groups and users.
Prints one line per check with the reason for a failure. Exit 0 when every check passes, 1 otherwise.

${optionLines([
  CONFIG_HELP,
  ["    --okta-only", "check only the config and Okta"],
  ["    --braintrust-only", "check only the config and the Braintrust orgs"],
  HELP_HELP,
])}
`,
  options: { ...CONFIG_OPTION, "okta-only": { type: "boolean" }, "braintrust-only": { type: "boolean" } },
  async run(values, io) {
    if (values["okta-only"] && values["braintrust-only"]) throw new CliError("okta-braintrust-sync: --okta-only and --braintrust-only exclude each other; pass at most one");
    const loaded = loadConfig(resolveConfigPath(values.config as string | undefined, io.env, io.cwd), io.env);
    const { config } = loaded;
    const orgs = Object.keys(config.braintrust_orgs);
    io.out(
      `ok    config          ${loaded.file}: ${orgs.length} org${orgs.length === 1 ? "" : "s"} (${orgs.join(", ")}), ` +
        `${config.sync_rules.users.mappings.length} user mapping(s), ${config.sync_rules.groups.mappings.length} group mapping(s)`,
    );
    const only = values["okta-only"] ? "okta" : values["braintrust-only"] ? "braintrust" : undefined;
    const results = await runChecks(
      loaded,
      io.env,
      { terraform: !only, okta: only !== "braintrust", braintrust: only !== "okta", httpLog: httpLogFor(io, loaded) },
      (r) => io.out(`${r.ok ? "ok  " : "FAIL"}  ${r.name.padEnd(14)}  ${r.detail}`),
    );
    const failed = results.filter((r) => !r.ok).length;
    io.out(failed ? `\n${failed} of ${results.length + 1} checks failed.` : `\nAll ${results.length + 1} checks passed.`);
    return failed ? EXIT.error : EXIT.ok;
  },
};
