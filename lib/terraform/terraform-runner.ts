import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { escapeTemplate } from "../stacks/terraform-escape";
import { KINDS, type Kind } from "../../providers/braintrust/contract";

/** `TERRAFORM_BINARY` (e.g. `tofu`), default `terraform`. */
export function terraformBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.TERRAFORM_BINARY || "terraform";
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs terraform in a stack directory, non-interactively, with the caller's environment (the handler reads API keys from it). */
export function runTerraform(
  stackDir: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(terraformBinary(env), args, {
      cwd: stackDir,
      env: { ...env, TF_IN_AUTOMATION: "1", TF_INPUT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let partial = "";
    child.stdout.on("data", (d: Buffer) => {
      const text = d.toString();
      stdout += text;
      if (onLine) {
        partial += text;
        const lines = partial.split("\n");
        partial = lines.pop() ?? "";
        lines.forEach(onLine);
      }
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (e) => reject(new Error(`cannot run ${terraformBinary(env)}: ${e.message}; install Terraform >= 1.4 or set TERRAFORM_BINARY`)));
    child.on("close", (code) => {
      if (onLine && partial) onLine(partial);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

let versionChecked: Promise<void> | undefined;

/** Terraform >= 1.4 (terraform_data) or OpenTofu >= 1.6; checked once per process. */
export function checkTerraformVersion(env: NodeJS.ProcessEnv): Promise<void> {
  versionChecked ??= runTerraform(process.cwd(), ["version", "-json"], env).then((r) => {
    const version = /"terraform_version"\s*:\s*"(\d+)\.(\d+)/.exec(r.stdout);
    if (r.code !== 0 || !version) throw new Error(`cannot read the version of ${terraformBinary(env)}: ${r.stderr.trim() || r.stdout.trim()}`);
    const [major, minor] = [Number(version[1]), Number(version[2])];
    if (major < 1 || (major === 1 && minor < 4)) throw new Error(`${terraformBinary(env)} ${major}.${minor} is too old: terraform_data needs Terraform >= 1.4 (or OpenTofu >= 1.6)`);
  });
  return versionChecked;
}

export async function init(stackDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  await checkTerraformVersion(env);
  const r = await runTerraform(stackDir, ["init", "-input=false", "-no-color", "-reconfigure"], env);
  if (r.code !== 0) throw new Error(`terraform init failed in ${stackDir}:\n${r.stderr || r.stdout}`);
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/** One planned instance change, by kind and key. */
export interface PlannedChange {
  readonly kind: Kind;
  /** Terraform's address, as apply prints it, e.g. `terraform_data.member_03["ada@acme.example"]`. */
  readonly address: string;
  readonly key: string;
  readonly action: "create" | "delete" | "replace";
  /** Terraform's `action_reason`, e.g. `replace_because_tainted`. */
  readonly reason?: string;
  /** The instance's spec before (delete, replace) and after (create, replace). */
  readonly before?: any;
  readonly after?: any;
}

export interface PlanResult {
  readonly changes: PlannedChange[];
  /** Changes to resources that are not handler instances (the `<kind>_ready` barriers): bookkeeping. */
  readonly otherChanges: number;
  readonly planFile: string;
  /** Terraform's own plan output (`--verbose`). */
  readonly text: string;
}

/**
 * `terraform plan -json -out`: what would change comes from the plan's own machine-readable
 * stream (one `planned_change` line per instance), and the specs before and after from the state
 * file and the synthesized locals, which is what `terraform show -json` would repeat, at a cost (9 s
 * and 36 MB at 10,000 users). `-refresh=false`: terraform_data and null_resource have nothing remote
 * to refresh (17 s of a 43 s plan at that size). `text` (Terraform's own rendering of the plan, for
 * `--verbose`) is read only when asked for.
 */
export async function plan(stackDir: string, env: NodeJS.ProcessEnv, planFile = "sync.tfplan", options: { text?: boolean } = {}): Promise<PlanResult> {
  const r = await runTerraform(stackDir, ["plan", "-input=false", "-no-color", "-refresh=false", "-detailed-exitcode", "-json", `-out=${planFile}`], env);
  const messages = r.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l));
  if (r.code === 1) {
    const errors = messages.filter((m) => m.type === "diagnostic" && m["@level"] === "error").map((m) => `${m.diagnostic?.summary ?? ""}: ${m.diagnostic?.detail ?? ""}`);
    throw new Error(`terraform plan failed in ${stackDir}:\n${errors.join("\n") || r.stderr || r.stdout}`);
  }
  const planned = messages.filter((m) => m.type === "planned_change" && m.change?.action !== "noop" && m.change?.action !== "read");
  const changes = attachSpecs(stackDir, changesOfStream(planned));
  let text = "";
  if (options.text) {
    const shown = await runTerraform(stackDir, ["show", "-no-color", planFile], env);
    text = shown.stdout;
  }
  return { changes, otherChanges: planned.length - changes.length, planFile, text };
}

/** Planned instance changes from the `planned_change` lines of `terraform plan -json`, in kind then key order. */
export function changesOfStream(planned: any[]): PlannedChange[] {
  const out: PlannedChange[] = [];
  for (const m of planned) {
    const res = m.change?.resource ?? {};
    const kind = kindOfBlock(String(res.resource_name ?? ""));
    if (!kind || res.resource_key === undefined || res.resource_key === null) continue;
    const a = String(m.change.action);
    const action = a === "replace" ? "replace" : a === "create" ? "create" : a === "delete" ? "delete" : undefined;
    if (!action) continue;
    // The same reason `terraform show -json` gives as action_reason.
    const reason = m.change.reason === "tainted" ? "replace_because_tainted" : m.change.reason;
    out.push({ kind, address: String(res.addr), key: String(res.resource_key), action, reason });
  }
  const order = (k: Kind) => KINDS.indexOf(k);
  return out.sort((a, b) => order(a.kind) - order(b.kind) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Each change's spec before (from the state file the stack's backend names) and after (from the
 * stack's locals, with Terraform's template escapes undone): the report reads member lists and
 * Okta user ids from them.
 */
function attachSpecs(stackDir: string, changes: PlannedChange[]): PlannedChange[] {
  if (changes.length === 0) return changes;
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
  const statePath = json.terraform?.backend?.local?.path;
  const before = new Map<string, any>();
  if (typeof statePath === "string" && existsSync(resolve(stackDir, statePath))) {
    const state = JSON.parse(readFileSync(resolve(stackDir, statePath), "utf8"));
    for (const res of state.resources ?? []) {
      if (res.mode !== "managed" || !kindOfBlock(res.name)) continue;
      for (const inst of res.instances ?? []) before.set(`${res.name}\u0000${inst.index_key}`, specOf(inst.attributes));
    }
  }
  return changes.map((c) => {
    const block = c.address.replace(/^[a-z_]+\./, "").replace(/\[.*$/s, "");
    const afterRaw = json.locals?.[block]?.[escapeTemplate(c.key)];
    return {
      ...c,
      ...(c.action !== "create" ? { before: before.get(`${block}\u0000${c.key}`) } : {}),
      ...(c.action !== "delete" && afterRaw !== undefined ? { after: unescapeDeep(afterRaw) } : {}),
    };
  });
}

function unescapeDeep(v: any): any {
  if (typeof v === "string") return v.replace(/\$\$\{/g, () => "${").replace(/%%\{/g, () => "%{");
  if (Array.isArray(v)) return v.map(unescapeDeep);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [unescapeDeep(k), unescapeDeep(x)]));
  return v;
}

/** Applies a saved plan, so that what was shown is what runs. Resolves with terraform's exit code. */
export function applyPlan(stackDir: string, env: NodeJS.ProcessEnv, planFile: string, parallelism = 10, onLine?: (line: string) => void): Promise<RunResult> {
  return runTerraform(stackDir, ["apply", "-input=false", "-no-color", `-parallelism=${parallelism}`, planFile], env, onLine);
}

/** `group_members_07` -> `group_members` (longest kind name first: `group` is a prefix of the others). */
export function kindOfBlock(block: string): Kind | undefined {
  return [...KINDS].sort((a, b) => b.length - a.length).find((k) => new RegExp(`^${k}_\\d+$`).test(block));
}

/** The spec stored on an instance: `triggers_replace` (terraform_data) or `triggers.spec` (null_resource). */
export function specOf(attributes: any): any {
  const t = attributes?.triggers_replace;
  if (t && typeof t === "object") return "value" in t ? t.value : t;
  const s = attributes?.triggers?.spec;
  if (typeof s === "string") {
    try {
      return JSON.parse(s);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
