#!/usr/bin/env node
/**
 * The okta-braintrust-sync command line: synth, plan and apply over the same synth and the real
 * Terraform that `cdktf diff` / `cdktf deploy` use.
 */
import { createInterface } from "node:readline/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../config/config-error";
import { loadConfig, resolveConfigPath } from "../config/load-config";
import { synthesize } from "../synth/synth-app";
import { countChanges, describeChanges } from "../terraform/plan-summary";
import { applyPlan, init, plan, type PlanResult } from "../terraform/terraform-runner";

const HELP = `Usage: okta-braintrust-sync <command> [options]

Keeps Braintrust organizations in step with Okta, through Terraform.

Commands:
  synth    Read Okta and write one Terraform stack per org to ./cdktf.out
  plan     Synthesize, then plan every org; exit 0 = no changes, 2 = changes, 1 = error
  apply    Plan, show the changes, confirm, then apply the saved plans

Options:
  -c, --config FILE     configuration file (default: $SYNC_CONFIG, else ./sync-config.yaml)
      --org ALIAS       only this org (repeatable)
      --auto-approve    apply without asking (required when there is no terminal)
      --parallelism N   Terraform's parallelism for apply (default 10)
  -h, --help            show this help
  -v, --version         show the version

Environment: the variables your config names (e.g. OKTA_API_TOKEN, one API key per org),
TERRAFORM_BINARY (default terraform; tofu works).
`;

const out = (line = "") => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: "string", short: "c" },
        org: { type: "string", multiple: true },
        "auto-approve": { type: "boolean" },
        parallelism: { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    });
  } catch (e) {
    err(`okta-braintrust-sync: ${(e as Error).message}\nRun okta-braintrust-sync --help for usage.`);
    return 1;
  }
  const { values, positionals } = args;
  if (values.version) {
    out(require("../../../package.json").version);
    return 0;
  }
  const command = positionals[0];
  if (values.help || !command) {
    out(HELP);
    return command || values.help ? 0 : 1;
  }
  if (!["synth", "plan", "apply"].includes(command)) {
    err(`okta-braintrust-sync: unknown command "${command}"; the commands are synth, plan and apply (see --help)`);
    return 1;
  }
  const parallelism = Number(values.parallelism ?? 10);
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    err(`okta-braintrust-sync: --parallelism must be a positive whole number, got "${values.parallelism}"`);
    return 1;
  }

  try {
    const loaded = loadConfig(resolveConfigPath(values.config, process.env), process.env);
    const known = Object.keys(loaded.config.braintrust_orgs);
    const unknown = (values.org ?? []).filter((a) => !known.includes(a));
    if (unknown.length) throw new Error(`--org ${unknown.join(", ")}: not an org alias of ${loaded.file} (aliases: ${known.join(", ")})`);
    const result = await synthesize({ loaded, env: process.env, outdir: resolve("cdktf.out"), log: (l) => err(l) });
    out(`Synthesized ${Object.keys(result.stackDirs).length} stacks (${result.oktaCalls} Okta calls) into ${resolve("cdktf.out")}`);
    if (command === "synth") return 0;

    const aliases = Object.keys(result.stackDirs).filter((a) => !values.org?.length || values.org.includes(a));
    const plans: Record<string, PlanResult> = {};
    for (const alias of aliases) {
      await init(result.stackDirs[alias], process.env);
      plans[alias] = await plan(result.stackDirs[alias], process.env);
      const n = countChanges(plans[alias].changes);
      out(`\n${alias}: ${plans[alias].changes.length === 0 ? "no changes" : `${n.create} to add, ${n.replace} to replace, ${n.delete} to remove`}`);
      for (const line of describeChanges(plans[alias].changes)) out(`  ${line}`);
    }
    const changed = aliases.filter((a) => plans[a].changes.length > 0);
    if (command === "plan") return changed.length > 0 ? 2 : 0;
    if (changed.length === 0) {
      out("\nNothing to apply.");
      return 0;
    }
    if (!values["auto-approve"]) {
      if (!process.stdin.isTTY) {
        err("okta-braintrust-sync: refusing to apply without a terminal to confirm on; pass --auto-approve");
        return 1;
      }
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      const answer = await rl.question(`\nApply these changes to ${changed.join(", ")}? Only "yes" is accepted: `);
      rl.close();
      if (answer.trim() !== "yes") {
        out("Apply cancelled.");
        return 1;
      }
    }
    let failed = 0;
    for (const alias of changed) {
      out(`\n${alias}: applying`);
      const r = await applyPlan(result.stackDirs[alias], process.env, plans[alias].planFile, parallelism, (line) => {
        if (/(: (Creation|Destruction) complete|Error|failed)/.test(line)) out(`  ${line}`);
      });
      const summary = r.stdout.split("\n").find((l) => l.startsWith("Apply complete")) ?? "apply failed; the failed instances are retried on the next apply";
      out(`${alias}: ${summary}`);
      if (r.code !== 0) failed += 1;
    }
    return failed > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof ConfigError) err(e.message);
    else err(`okta-braintrust-sync: ${(e as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
