import { createInterface } from "node:readline/promises";
import type { OrgResult } from "../../audit/run-summary";
import { logLevelFrom } from "../../log/structured-log";
import { guardText, orgsText } from "../../report/render-plan";
import { duration, textTable } from "../../report/text-table";
import { auditDirOf } from "../../synth/synth-app";
import { applyPlan } from "../../terraform/terraform-runner";
import { ApplyProgress } from "../apply-progress";
import { CONFIG_HELP, CONFIG_OPTION, HELP_HELP, optionLines, ORG_HELP, ORG_OPTION, positiveInteger, type Command } from "../command";
import { selectOrgs } from "../context";
import { EXIT, type Io } from "../io";
import { planOrgs, type PlannedOrgs } from "../plan-orgs";
import { RunRecord } from "../run-record";

export const apply: Command = {
  name: "apply",
  summary: "Plan, show the changes, confirm, then apply the saved plans org by org",
  help: `Usage: okta-braintrust-sync apply [--config FILE] [--org ALIAS]... [--auto-approve] [--dry-run]
                                  [--max-concurrent N] [--continue-on-error] [--allow-mass-removal]

Plans every selected org (as plan does), shows the changes, asks for confirmation, and applies the
*saved* plans, so what was shown is what runs. Orgs are applied one after another; the first org
that fails stops the rest unless --continue-on-error. Ends with a table of what happened per org.
A failed change is recorded in the audit log and retried by the next apply.

Removal guard: when an org's plan removes more members, groups and memberships than
safety.max_removals (default 10), apply stops before changing anything (exit 3).

Exit status: 0 = applied (or nothing to do), 1 = error or a failed change, 3 = stopped by the removal guard.

${optionLines([
  CONFIG_HELP,
  ORG_HELP,
  ["    --auto-approve", "apply without asking (required when there is no terminal)"],
  ["    --dry-run", "plan and show the changes, apply nothing"],
  ["    --max-concurrent N", "handler calls Terraform runs at once (terraform -parallelism; default 10)"],
  ["    --continue-on-error", "go on with the next org after one fails"],
  ["    --allow-mass-removal", "apply even when a plan removes more than safety.max_removals"],
  HELP_HELP,
])}
`,
  options: {
    ...CONFIG_OPTION,
    ...ORG_OPTION,
    "auto-approve": { type: "boolean" },
    "dry-run": { type: "boolean" },
    "max-concurrent": { type: "string" },
    "continue-on-error": { type: "boolean" },
    "allow-mass-removal": { type: "boolean" },
  },
  async run(values, io, argv) {
    const parallelism = positiveInteger(values["max-concurrent"], "--max-concurrent", 10);
    const selection = selectOrgs(io, values.config as string | undefined, values.org as string[] | undefined);
    const record = new RunRecord(values["dry-run"] ? "apply --dry-run" : "apply", [...argv], selection.loaded);
    try {
      const planned = await planOrgs(io, selection, record.executionId);
      const { report } = planned;
      record.planned(report);
      io.out();
      for (const line of orgsText(report)) io.out(line);
      const changed = report.orgs.filter((r) => r.has_changes).map((r) => r.alias);

      if (changed.length === 0) {
        io.out("Nothing to apply.");
        record.finish("no_changes");
        return EXIT.ok;
      }
      if (report.safety.exceeded.length > 0 && !values["allow-mass-removal"]) {
        for (const line of guardText(report, "Nothing was changed.")) io.err(line);
        io.err(
          `Review the removals above. If they are intended, run again with --allow-mass-removal; ` +
            `if your organization expects changes this large, raise safety.max_removals in ${selection.loaded.file}. ` +
            `If they are not intended, check the Okta filters and group mappings in the config.`,
        );
        record.finish("stopped_by_removal_guard", `removals above safety.max_removals (${report.safety.max_removals}) in ${report.safety.exceeded.join(", ")}`);
        return EXIT.guard;
      }
      if (values["dry-run"]) {
        io.out(`Dry run: nothing was applied (${changed.join(", ")} would change).`);
        for (const alias of changed) record.orgResult(alias, "not_applied");
        record.finish("changes_planned", "dry run");
        return EXIT.ok;
      }
      if (!values["auto-approve"]) {
        if (!io.interactive) {
          io.err("okta-braintrust-sync: refusing to apply without a terminal to confirm on; pass --auto-approve");
          record.finish("refused", "no terminal and no --auto-approve");
          return EXIT.error;
        }
        if (!(await confirm(`Apply these changes to ${changed.join(", ")}? Only "yes" is accepted: `))) {
          io.out("Apply cancelled; nothing was changed.");
          record.finish("cancelled");
          return EXIT.error;
        }
      }

      const { rows, interrupted } = await applyOrgs(io, planned, changed, { parallelism, continueOnError: Boolean(values["continue-on-error"]) }, record);
      const failed = rows.filter((r) => r.result === "failed");
      const summary = interrupted
        ? record.finish("cancelled", "interrupted during apply")
        : record.finish(failed.length ? "failed" : "applied", failed.length ? `failed: ${failed.map((r) => r.alias).join(", ")}` : undefined);
      const auditDir = auditDirOf(selection.loaded);
      printResults(io, rows, report.orgs.filter((r) => !r.has_changes).map((r) => r.alias));
      io.out(`\nBraintrust API calls: ${summary.api_calls}. Execution ${record.executionId}; its audit events and run summary are in ${auditDir}.`);
      if (failed.length) {
        io.err(
          `\n${summary.error_events} change(s) failed (see above); the rest were applied. ` +
            `Run apply again to retry the failed ones${rows.some((r) => r.result === "skipped") ? " and to apply the skipped orgs" : ""}.`,
        );
      }
      return failed.length || interrupted ? EXIT.error : EXIT.ok;
    } catch (e) {
      record.finish("error", (e as Error).message);
      throw e;
    }
  },
};

interface OrgRow {
  readonly alias: string;
  readonly result: OrgResult;
  readonly done: number;
  readonly failed: number;
  readonly total: number;
  readonly ms: number;
}

/** Applies each changed org's saved plan in turn, with progress; stops after a failure unless told to go on. */
async function applyOrgs(
  io: Io,
  { plans, synth, terraformEnv }: PlannedOrgs,
  changed: readonly string[],
  options: { parallelism: number; continueOnError: boolean },
  record: RunRecord,
): Promise<{ rows: OrgRow[]; interrupted: boolean }> {
  const rows: OrgRow[] = [];
  let stop = false;
  // Ctrl-C reaches Terraform too (same process group), which finishes the calls in flight and
  // stops; we wait for it so that state and the run summary are written, and skip later orgs.
  let interrupted = false;
  const onInterrupt = () => {
    if (interrupted) process.exit(130);
    interrupted = stop = true;
    io.err("\nInterrupted: waiting for Terraform to finish the changes in flight (Ctrl-C again to quit at once)...");
  };
  process.on("SIGINT", onInterrupt);
  try {
    for (const alias of changed) {
      const { changes, planFile } = plans[alias];
      if (stop) {
        record.orgResult(alias, "skipped");
        rows.push({ alias, result: "skipped", done: 0, failed: 0, total: changes.length, ms: 0 });
        continue;
      }
      const started = Date.now();
      io.err(`${alias}: applying ${changes.length} instance changes (parallelism ${options.parallelism})...`);
      const progress = new ApplyProgress(io, alias, changes, logLevelFrom(io.env) === "debug");
      const result = await applyPlan(synth.stackDirs[alias], terraformEnv, planFile, options.parallelism, progress.onLine);
      progress.finish();
      const ok = result.code === 0;
      // A handler failure was already printed as it happened; anything else is Terraform's own error.
      if (!ok && progress.counts.failed === 0) io.err(`${alias}: terraform apply failed:\n${result.stderr.trim() || result.stdout.trim()}`);
      record.orgResult(alias, ok ? "applied" : "failed");
      rows.push({ alias, result: ok ? "applied" : "failed", ...progress.counts, ms: Date.now() - started });
      if (!ok && !options.continueOnError) stop = true;
    }
  } finally {
    process.off("SIGINT", onInterrupt);
  }
  return { rows, interrupted };
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(`\n${question}`)).trim() === "yes";
  } finally {
    rl.close();
  }
}

function printResults(io: Io, rows: readonly OrgRow[], unchanged: readonly string[]): void {
  io.out();
  const table = textTable(
    ["ORG", "RESULT", "APPLIED", "FAILED", "TIME"],
    [
      ...rows.map((r) => [r.alias, r.result, `${r.done - r.failed}/${r.total}`, String(r.failed), r.result === "skipped" ? "-" : duration(r.ms)]),
      ...unchanged.map((a) => [a, "no changes", "0/0", "0", "-"]),
    ],
  );
  for (const line of table) io.out(line);
}
