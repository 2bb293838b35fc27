import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAuditEvents, readRunSummaries, writeRunSummary } from "../../../lib/audit/audit-files";
import { newExecutionId, summarizeRun } from "../../../lib/audit/run-summary";
import { writeAudit, type AuditInput } from "../../../providers/braintrust/audit";

const event = (over: Partial<AuditInput>): AuditInput => ({
  execution_id: "run-1",
  org: "acme",
  kind: "member",
  key: "a@x.example",
  action: "create",
  outcome: "invited",
  success: true,
  error_message: null,
  before_state: null,
  after_state: null,
  duration_ms: 5,
  api_calls: 2,
  ...over,
});

describe("run summaries", () => {
  it("count only the run's own events, by operation, kind, outcome and org, and list its errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "obsync-audit-"));
    const day1 = new Date("2026-12-04T23:59:59Z");
    const day2 = new Date("2026-12-05T00:00:01Z");
    writeAudit(dir, event({}), day1);
    writeAudit(dir, event({ kind: "group_members", key: "g", outcome: "failed", success: false, error_message: "HTTP 500", api_calls: 6 }), day2);
    writeAudit(dir, event({ org: "research", action: "destroy", outcome: "retained", api_calls: 0 }), day2);
    writeAudit(dir, event({ execution_id: "run-2" }), day2);
    // A line cut short by a crash does not hide the others.
    writeFileSync(join(dir, "events-2026-12-05.jsonl"), '{"event_id": "trunc', { flag: "a" });

    const events = readAuditEvents(dir, new Date("2026-12-04T23:00:00Z"), new Date("2026-12-05T01:00:00Z"));
    expect(events).toHaveLength(4);
    const s = summarizeRun(
      { executionId: "run-1", command: "apply", args: ["apply"], configFile: "/c.yaml", startedAt: day1, completedAt: day2, result: "failed", orgs: {} },
      events,
    );
    expect(s).toMatchObject({
      duration_ms: 2000,
      total_events: 3,
      success_events: 2,
      error_events: 1,
      operations: { create: 2, destroy: 1 },
      resource_types: { member: 2, group_members: 1 },
      outcomes: { invited: 1, failed: 1, retained: 1 },
      organizations: { acme: { succeeded: 1, failed: 1 }, research: { succeeded: 1, failed: 0 } },
      api_calls: 8,
    });
    expect(s.errors).toEqual([{ org: "acme", kind: "group_members", key: "g", action: "create", message: "HTTP 500", timestamp: "2026-12-05T00:00:01.000Z" }]);

    writeRunSummary(dir, s);
    writeRunSummary(dir, { ...s, execution_id: "run-0", started_at: "2026-12-01T00:00:00.000Z" });
    expect(readRunSummaries(dir).map((r) => r.execution_id)).toEqual(["run-1", "run-0"]);
  });

  it("execution ids sort by time and differ within one second", () => {
    const at = new Date("2026-12-04T22:15:03.123Z");
    const a = newExecutionId(at);
    expect(a).toMatch(/^20261204T221503Z-[0-9a-f]{6}$/);
    expect(newExecutionId(at)).not.toBe(a);
    expect(newExecutionId(new Date("2026-12-04T22:15:04Z")) > a).toBe(true);
  });
});
