import { randomUUID } from "node:crypto";
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

/** One audit event per handler operation, appended as one JSON line (O_APPEND keeps lines whole). */
export interface AuditEvent {
  readonly event_id: string;
  readonly timestamp: string;
  readonly execution_id: string;
  readonly org: string;
  readonly kind: string;
  readonly key: string;
  readonly action: string;
  /** What happened, e.g. `invited`, `retained`, `already_gone`, `pending_invite`, `failed`. */
  readonly outcome: string;
  readonly success: boolean;
  readonly error_message: string | null;
  readonly before_state: unknown;
  readonly after_state: unknown;
  readonly duration_ms: number;
  readonly api_calls: number;
}

export type AuditInput = Omit<AuditEvent, "event_id" | "timestamp">;

export function auditFileName(date: Date): string {
  return `events-${date.toISOString().slice(0, 10)}.jsonl`;
}

export function writeAudit(dir: string, input: AuditInput, now: Date = new Date()): AuditEvent {
  const event: AuditEvent = { event_id: randomUUID(), timestamp: now.toISOString(), ...input };
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, auditFileName(now)), JSON.stringify(event) + "\n");
  return event;
}
