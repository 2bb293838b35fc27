import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Braintrust group ids by name, remembered between handler calls so that a membership change
 * needs no group lookup (at most 2 API calls per instance: the user lookup and the PATCH). One small
 * file per group, written atomically, so parallel handler processes never contend. Only a hint:
 * a missing file means "look it up", and a stale id (the group was deleted and re-created by
 * hand) is detected by the API's not-found answer and looked up again. Safe to delete.
 */
export class GroupIds {
  constructor(private readonly dir: string) {}

  get(name: string): string | undefined {
    try {
      const record = JSON.parse(readFileSync(this.file(name), "utf8")) as { name: string; id: string };
      return record.name === name && typeof record.id === "string" ? record.id : undefined;
    } catch {
      return undefined;
    }
  }

  set(name: string, id: string): void {
    mkdirSync(this.dir, { recursive: true });
    const file = this.file(name);
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify({ name, id }));
    renameSync(`${file}.${process.pid}.tmp`, file);
  }

  forget(name: string): void {
    rmSync(this.file(name), { force: true });
  }

  private file(name: string): string {
    return join(this.dir, `${createHash("sha256").update(name).digest("hex").slice(0, 32)}.json`);
  }
}
