import { readRunSummaries } from "../../audit/audit-files";
import type { RunSummary } from "../../audit/run-summary";
import { loadConfig, resolveConfigPath } from "../../config/load-config";
import { duration, textTable } from "../../report/text-table";
import { auditDirOf } from "../../synth/synth-app";
import { CONFIG_HELP, CONFIG_OPTION, HELP_HELP, optionLines, positiveInteger, type Command } from "../command";
import { EXIT } from "../io";

export const status: Command = {
  name: "status",
  summary: "Show the last runs (when, what, result, failures) from the audit summaries",
  help: `Usage: okta-braintrust-sync status [--config FILE] [--limit N] [--json]

Lists the most recent plan and apply runs, newest first, from the run summaries under
audit.directory (summary-<execution id>.json): when each ran, the command, the orgs and what
happened to each, the handler calls that succeeded and failed, and how long it took. Then the
errors of the most recent run that had any.

${optionLines([
  CONFIG_HELP,
  ["    --limit N", "how many runs to list (default 10)"],
  ["    --json", "print the summaries as JSON"],
  HELP_HELP,
])}
`,
  options: { ...CONFIG_OPTION, limit: { type: "string" }, json: { type: "boolean" } },
  async run(values, io) {
    const limit = positiveInteger(values.limit, "--limit", 10);
    const loaded = loadConfig(resolveConfigPath(values.config as string | undefined, io.env, io.cwd), io.env);
    const dir = auditDirOf(loaded);
    const runs = readRunSummaries(dir).slice(0, limit);
    if (values.json) {
      io.out(JSON.stringify({ audit_directory: dir, runs }, null, 2));
      return EXIT.ok;
    }
    if (runs.length === 0) {
      io.out(`No runs recorded yet in ${dir}. Run okta-braintrust-sync plan or apply.`);
      return EXIT.ok;
    }
    const rows = runs.map((r) => [
      r.started_at.replace("T", " ").replace(/\.\d+Z$/, "Z"),
      r.command,
      r.result,
      orgsCell(r),
      `${r.success_events}`,
      `${r.error_events}`,
      duration(r.duration_ms),
      r.execution_id,
    ]);
    for (const line of textTable(["WHEN (UTC)", "COMMAND", "RESULT", "ORGS", "DONE", "FAILED", "TOOK", "EXECUTION"], rows)) io.out(line);
    const failing = runs.find((r) => r.errors.length > 0 || r.result === "error" || r.result === "stopped_by_removal_guard");
    if (failing) {
      io.out();
      const later = runs.slice(0, runs.indexOf(failing)).find((r) => r.command === "apply" && r.result === "applied");
      io.out(`Last run with problems: ${failing.execution_id} (${failing.command}, ${failing.result})${failing.message ? `: ${failing.message}` : ""}`);
      for (const e of failing.errors.slice(0, 20)) io.out(`  ${e.org}  ${e.action} ${e.kind} ${e.key}: ${e.message}`);
      if (failing.errors.length > 20) io.out(`  ... and ${failing.errors.length - 20} more in ${dir}/summary-${failing.execution_id}.json`);
      if (later) io.out(`A later apply, ${later.execution_id}, succeeded.`);
    }
    return EXIT.ok;
  },
};

/** `acme applied, research no_changes`. */
function orgsCell(r: RunSummary): string {
  const entries = Object.entries(r.orgs);
  return entries.length ? entries.map(([alias, o]) => `${alias}:${o.result}`).join(" ") : "-";
}
