import type { PlannedChange } from "../terraform/terraform-runner";
import type { Io } from "./io";

const COMPLETE = /^(.+?): (Creation|Destruction) complete after /;
const HANDLER_LINE = /^(.+?) \(local-exec\): (.*)$/;
const PLAIN_EVERY_MS = 10_000;

/**
 * Follows `terraform apply` output and shows instances done / total for one org: a line rewritten
 * in place on a terminal; in CI, plain lines at each tenth and at least every 10 s. Failed handler
 * calls are printed as they happen; the handler's debug logs (JSON) are passed through to stderr.
 */
export class ApplyProgress {
  private done = 0;
  private failed = 0;
  private readonly total: number;
  private readonly deletes: Set<string>;
  private readonly planned: Set<string>;
  private lastPlain = Date.now();
  private lastTenth = 0;
  private lastPrinted = "";

  constructor(
    private readonly io: Io,
    private readonly alias: string,
    changes: readonly PlannedChange[],
    private readonly passDebugLogs: boolean,
  ) {
    this.total = changes.length;
    this.deletes = new Set(changes.filter((c) => c.action === "delete").map((c) => c.address));
    this.planned = new Set(changes.map((c) => c.address));
  }

  /** One line of terraform's stdout. */
  onLine = (line: string): void => {
    const complete = COMPLETE.exec(line);
    if (complete) {
      // A replace prints a destruction and then a creation; only the creation finishes it.
      // Only handler instances count (not the `<kind>_ready` barriers).
      if (this.planned.has(complete[1]) && (complete[2] === "Creation" || this.deletes.has(complete[1]))) this.step();
      return;
    }
    const handler = HANDLER_LINE.exec(line);
    if (!handler) return;
    const text = handler[2];
    if (text.startsWith("{")) {
      if (this.passDebugLogs) this.io.err(text);
      return;
    }
    if (/^okta-braintrust-sync: .* failed: /.test(text)) {
      this.failed += 1;
      this.clear();
      this.print(`${this.alias}: ${text.replace(/^okta-braintrust-sync: /, "")}`);
      this.step();
    }
  };

  /** The final line. */
  finish(): void {
    this.clear();
    if (this.line() !== this.lastPrinted) this.print(this.line());
  }

  get counts(): { done: number; failed: number; total: number } {
    return { done: this.done, failed: this.failed, total: this.total };
  }

  private step(): void {
    this.done = Math.min(this.total, this.done + 1);
    if (this.io.stderrIsTTY) {
      this.io.status(this.line());
      return;
    }
    const tenth = Math.floor((this.done * 10) / Math.max(1, this.total));
    if (tenth > this.lastTenth || Date.now() - this.lastPlain >= PLAIN_EVERY_MS) {
      this.lastTenth = tenth;
      this.lastPlain = Date.now();
      if (this.done < this.total) this.print(this.line());
    }
  }

  private print(line: string): void {
    this.lastPrinted = line;
    this.io.err(line);
  }

  private clear(): void {
    if (this.io.stderrIsTTY) this.io.status("");
  }

  private line(): string {
    const pct = Math.floor((this.done * 100) / Math.max(1, this.total));
    return `${this.alias}: ${this.done}/${this.total} instances done (${pct}%)${this.failed ? `, ${this.failed} failed` : ""}`;
  }
}
