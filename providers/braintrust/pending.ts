import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Group memberships waiting for an invitee to accept (braintrust-api.md section 9, answer B: the
 * invitee has no user id yet). One small file per membership, written atomically, so parallel
 * handler processes never contend. Synth reads them to emit `invite_followup` instances.
 */
export interface PendingRecord {
  readonly group: string;
  readonly email: string;
  /** The attempt the next `invite_followup` instance carries; a new value means "check again". */
  readonly attempt: string;
  /** True once the membership was made: the instance with this attempt then stays as it is. */
  readonly resolved: boolean;
}

function fileFor(dir: string, group: string, email: string): string {
  const h = createHash("sha256").update(`${group}\u0000${email}`).digest("hex").slice(0, 32);
  return join(dir, `${h}.json`);
}

export function writePending(dir: string, record: PendingRecord): void {
  mkdirSync(dir, { recursive: true });
  const file = fileFor(dir, record.group, record.email);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(record));
  renameSync(tmp, file);
}

export function clearPending(dir: string, group: string, email: string): void {
  rmSync(fileFor(dir, group, email), { force: true });
}

/** All records of one org; a missing directory means none. Unreadable files are reported, not skipped. */
export function readPending(dir: string): PendingRecord[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".json"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  return names.sort().map((n) => {
    const path = join(dir, n);
    try {
      return JSON.parse(readFileSync(path, "utf8")) as PendingRecord;
    } catch (e) {
      throw new Error(`pending-invite record ${path} is unreadable (${(e as Error).message}); delete it and run again`);
    }
  });
}
