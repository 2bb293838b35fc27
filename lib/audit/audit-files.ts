import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { auditFileName, type AuditEvent } from "../../providers/braintrust/audit";
import type { RunSummary } from "./run-summary";

/** The audit events written between two instants (the daily files those days cover), oldest first. */
export function readAuditEvents(dir: string, from: Date, to: Date): AuditEvent[] {
  const files = new Set<string>();
  for (let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); t <= to.getTime(); t += 86_400_000) files.add(auditFileName(new Date(t)));
  const events: AuditEvent[] = [];
  for (const name of files) {
    const file = join(dir, name);
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (!line.trim()) continue;
      try {
        events.push(JSON.parse(line) as AuditEvent);
      } catch {
        // A line cut short by a crash is skipped rather than failing the summary of everything else.
      }
    }
  }
  return events;
}

export function summaryFileName(executionId: string): string {
  return `summary-${executionId}.json`;
}

/** Writes the summary atomically (temporary file, then rename), so `status` never reads half a file. */
export function writeRunSummary(dir: string, summary: RunSummary): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, summaryFileName(summary.execution_id));
  writeFileSync(`${file}.tmp`, JSON.stringify(summary, null, 2) + "\n");
  renameSync(`${file}.tmp`, file);
  return file;
}

/** Every run summary in the directory, newest first. */
export function readRunSummaries(dir: string): RunSummary[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /^summary-.+\.json$/.test(n))
    .flatMap((n) => {
      try {
        return [JSON.parse(readFileSync(join(dir, n), "utf8")) as RunSummary];
      } catch {
        return [];
      }
    })
    .sort((a, b) => (a.started_at < b.started_at ? 1 : a.started_at > b.started_at ? -1 : 0));
}
