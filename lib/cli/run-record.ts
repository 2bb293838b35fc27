import { readAuditEvents, writeRunSummary } from "../audit/audit-files";
import { newExecutionId, summarizeRun, type OrgResult, type RunResult, type RunSummary } from "../audit/run-summary";
import type { LoadedConfig } from "../config/load-config";
import type { PlanReport } from "../report/plan-report";
import { auditDirOf } from "../synth/synth-app";

/** One run of `plan` or `apply`: its execution id, and the summary file written when it ends, however it ends. */
export class RunRecord {
  readonly executionId = newExecutionId();
  readonly startedAt = new Date();
  private readonly orgs: Record<string, RunSummary["orgs"][string]> = {};

  constructor(
    private readonly command: string,
    private readonly args: string[],
    private readonly loaded: LoadedConfig,
  ) {}

  planned(report: PlanReport): void {
    for (const r of report.orgs) this.orgs[r.alias] = { result: r.has_changes ? "planned" : "no_changes", planned: r.instances, removals: r.removals };
  }

  orgResult(alias: string, result: OrgResult): void {
    const o = this.orgs[alias];
    if (o) this.orgs[alias] = { ...o, result };
  }

  /** Reads this run's audit events and writes `summary-<execution id>.json`; returns the summary. */
  finish(result: RunResult, message?: string): RunSummary {
    const auditDir = auditDirOf(this.loaded);
    const completedAt = new Date();
    const summary = summarizeRun(
      { executionId: this.executionId, command: this.command, args: this.args, configFile: this.loaded.file, startedAt: this.startedAt, completedAt, result, message, orgs: this.orgs },
      readAuditEvents(auditDir, this.startedAt, completedAt),
    );
    writeRunSummary(auditDir, summary);
    return summary;
  }
}
