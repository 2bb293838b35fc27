import { randomBytes } from "node:crypto";
import type { AuditEvent } from "../../providers/braintrust/audit";

/** How a run ended, as `status` shows it. */
export type RunResult =
  | "no_changes"
  | "changes_planned"
  | "applied"
  | "failed"
  | "stopped_by_removal_guard"
  | "refused"
  | "cancelled"
  | "error";

/** What happened to one org in a run. */
export type OrgResult = "no_changes" | "planned" | "applied" | "failed" | "skipped" | "not_applied";

/**
 * One file per run (`summary-<execution_id>.json` beside the events): what was asked, what was
 * planned, what the handler calls did (counted from this run's audit events), errors, duration.
 */
export interface RunSummary {
  readonly execution_id: string;
  readonly command: string;
  readonly args: string[];
  readonly config_file: string;
  readonly started_at: string;
  readonly completed_at: string;
  readonly duration_ms: number;
  readonly result: RunResult;
  readonly message: string | null;
  readonly orgs: Record<string, { readonly result: OrgResult; readonly planned: { create: number; delete: number; replace: number }; readonly removals: number }>;
  readonly total_events: number;
  readonly success_events: number;
  readonly error_events: number;
  /** Counts by handler action (create, destroy). */
  readonly operations: Record<string, number>;
  /** Counts by resource kind. */
  readonly resource_types: Record<string, number>;
  /** Counts by outcome (invited, added, retained, failed, ...). */
  readonly outcomes: Record<string, number>;
  /** Per org: handler calls that succeeded and failed. */
  readonly organizations: Record<string, { succeeded: number; failed: number }>;
  readonly errors: { readonly org: string; readonly kind: string; readonly key: string; readonly action: string; readonly message: string; readonly timestamp: string }[];
  /** Braintrust API calls made by the handler calls of this run. */
  readonly api_calls: number;
}

/** Sortable, unique enough for one machine: `20261204T221503Z-9f3a1c`. */
export function newExecutionId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}

export interface RunFacts {
  readonly executionId: string;
  readonly command: string;
  readonly args: string[];
  readonly configFile: string;
  readonly startedAt: Date;
  readonly completedAt: Date;
  readonly result: RunResult;
  readonly message?: string;
  readonly orgs: RunSummary["orgs"];
}

/** Pure: the summary of a run from its facts and its audit events (only events of this execution id count). */
export function summarizeRun(facts: RunFacts, events: readonly AuditEvent[]): RunSummary {
  const mine = events.filter((e) => e.execution_id === facts.executionId);
  const tally = (key: (e: AuditEvent) => string) => {
    const out: Record<string, number> = {};
    for (const e of mine) out[key(e)] = (out[key(e)] ?? 0) + 1;
    return out;
  };
  const organizations: RunSummary["organizations"] = {};
  for (const e of mine) {
    const o = (organizations[e.org] ??= { succeeded: 0, failed: 0 });
    if (e.success) o.succeeded += 1;
    else o.failed += 1;
  }
  return {
    execution_id: facts.executionId,
    command: facts.command,
    args: facts.args,
    config_file: facts.configFile,
    started_at: facts.startedAt.toISOString(),
    completed_at: facts.completedAt.toISOString(),
    duration_ms: facts.completedAt.getTime() - facts.startedAt.getTime(),
    result: facts.result,
    message: facts.message ?? null,
    orgs: facts.orgs,
    total_events: mine.length,
    success_events: mine.filter((e) => e.success).length,
    error_events: mine.filter((e) => !e.success).length,
    operations: tally((e) => e.action),
    resource_types: tally((e) => e.kind),
    outcomes: tally((e) => e.outcome),
    organizations,
    errors: mine
      .filter((e) => !e.success)
      .map((e) => ({ org: e.org, kind: e.kind, key: e.key, action: e.action, message: e.error_message ?? "", timestamp: e.timestamp })),
    api_calls: mine.reduce((n, e) => n + (e.api_calls ?? 0), 0),
  };
}
