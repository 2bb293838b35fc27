import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditEvent } from "../../providers/braintrust/audit";
import { loadConfig } from "../../lib/config/load-config";
import { synthesize, type SynthResult } from "../../lib/synth/synth-app";
import { buildOrgReport, settingsName } from "../../lib/report/plan-report";
import { applyPlan, init, plan, type PlannedChange, type RunResult } from "../../lib/terraform/terraform-runner";
import { SANDBOX_ENV } from "../../sandbox/sample-company";

/** A temporary project directory: config, cdktf.out, state and logs, as a user would have. */
export class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), "obsync-"));
  readonly configFile = join(this.dir, "sync-config.yaml");
  readonly env: NodeJS.ProcessEnv = { ...process.env, ...SANDBOX_ENV };

  writeConfig(yaml: string): void {
    writeFileSync(this.configFile, yaml);
  }

  synth(): Promise<SynthResult> {
    return synthesize({ loaded: loadConfig(this.configFile, this.env), env: this.env, outdir: join(this.dir, "cdktf.out") });
  }

  /** Synthesizes and plans every org; returns the planned changes per alias. */
  async plan(): Promise<{ synth: SynthResult; changes: Record<string, PlannedChange[]>; planFiles: Record<string, string> }> {
    const synth = await this.synth();
    const changes: Record<string, PlannedChange[]> = {};
    const planFiles: Record<string, string> = {};
    for (const [alias, dir] of Object.entries(synth.stackDirs)) {
      await init(dir, this.env);
      const p = await plan(dir, this.env);
      changes[alias] = p.changes;
      planFiles[alias] = p.planFile;
    }
    return { synth, changes, planFiles };
  }

  /** Plans and applies every org (the saved plan); returns the plans and Terraform's results. */
  async sync(): Promise<{ changes: Record<string, PlannedChange[]>; results: Record<string, RunResult> }> {
    const { synth, changes, planFiles } = await this.plan();
    const results: Record<string, RunResult> = {};
    for (const [alias, dir] of Object.entries(synth.stackDirs)) results[alias] = await applyPlan(dir, this.env, planFiles[alias]);
    return { changes, results };
  }

  auditEvents(): AuditEvent[] {
    const dir = join(this.dir, "logs", "audit");
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => /^events-.*\.jsonl$/.test(n));
    } catch {
      return [];
    }
    return names.flatMap((n) => readFileSync(join(dir, n), "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as AuditEvent));
  }
}

/**
 * `action kind key` lines, for exact comparisons of a plan. Instances that hold lists (a bucket of
 * members, a group's members) read as the people they add and take out (`create member ann@x`,
 * `delete group_member ml/ann@x`), as the plan report reads them; other instances as themselves.
 */
export function lines(changes: readonly PlannedChange[]): string[] {
  const lists = (c: PlannedChange) => c.kind === "group_members" || c.kind === "members";
  const report = buildOrgReport({ alias: "-", changes: changes.filter(lists), removeExtra: true });
  const people = [
    ...report.users.invite.map((e) => `create member ${e}`),
    ...[...report.users.remove, ...report.users.retain, ...report.users.protected].map((e) => `delete member ${e}`),
    ...report.memberships.add.map((m) => `create group_member ${m.group}/${m.email}`),
    ...report.memberships.remove.map((m) => `delete group_member ${m.group}/${m.email}`),
    ...report.retries.map((r) => `replace ${r.kind} ${r.key}`),
  ];
  const others = changes.filter((c) => !lists(c)).map((c) => `${c.action} ${c.kind} ${c.kind === "group_settings" ? settingsName(c.key) : c.key}`);
  return [...others, ...people].sort();
}

/** What happened to each member who left, from the audit events of the member buckets: outcome, org and reason. */
export function memberOutcomes(events: readonly AuditEvent[]): Record<string, { outcome: string; org: string; reason: string | null }> {
  const out: Record<string, { outcome: string; org: string; reason: string | null }> = {};
  for (const e of events) {
    if (e.kind !== "members" || !e.success) continue;
    const after = (e.after_state ?? {}) as { removed?: string[]; retained?: string[]; protected?: string[] };
    const reasons = ((e.before_state ?? {}) as { reasons?: Record<string, string | null> }).reasons ?? {};
    for (const outcome of ["removed", "retained", "protected"] as const) {
      for (const email of after[outcome] ?? []) out[email] = { outcome, org: e.org, reason: reasons[email] ?? null };
    }
  }
  return out;
}
