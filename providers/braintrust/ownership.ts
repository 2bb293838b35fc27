import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * What this tool created in Braintrust (groups, roles, grants): it deletes only those. One small
 * file per object, written atomically, so parallel handler processes never contend. Unlike the id
 * cache this is a record, kept beside the state: deleting it makes the tool leave those objects in
 * place rather than delete them.
 */
export class Ownership {
  constructor(private readonly dir: string) {}

  /** Records that the tool created the object; `detail` is what its delete needs (an ACL's ids). */
  record(kind: string, key: string, detail: Record<string, unknown> = {}): void {
    this.write(kind, key, { kind, key, ...detail, created_at: new Date().toISOString() });
  }

  get(kind: string, key: string): Record<string, unknown> | undefined {
    try {
      const r = JSON.parse(readFileSync(this.file(kind, key), "utf8")) as Record<string, unknown>;
      return r.kind === kind && r.key === key ? r : undefined;
    } catch {
      return undefined;
    }
  }

  /** True for an object the tool created and has not deleted. */
  owns(kind: string, key: string): boolean {
    const r = this.get(kind, key);
    return r !== undefined && !r.deleted_at;
  }

  /** True when the tool deleted the object: a repeated destroy then reads "already gone". */
  deleted(kind: string, key: string): boolean {
    return typeof this.get(kind, key)?.deleted_at === "string";
  }

  /** Marks the object deleted by the tool (kept, so that a repeated destroy knows it was). */
  markDeleted(kind: string, key: string): void {
    const r = this.get(kind, key);
    if (r) this.write(kind, key, { ...r, deleted_at: new Date().toISOString() });
  }

  forget(kind: string, key: string): void {
    rmSync(this.file(kind, key), { force: true });
  }

  private write(kind: string, key: string, record: Record<string, unknown>): void {
    mkdirSync(this.dir, { recursive: true });
    const file = this.file(kind, key);
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(record));
    renameSync(`${file}.${process.pid}.tmp`, file);
  }

  private file(kind: string, key: string): string {
    return join(this.dir, `${kind}-${createHash("sha256").update(`${kind}\u0000${key}`).digest("hex").slice(0, 32)}.json`);
  }
}
