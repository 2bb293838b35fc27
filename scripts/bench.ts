/**
 * `npm run bench`: measures the sync at several directory sizes against the local Okta and
 * Braintrust servers and the real Terraform, prints each figure beside its target, and writes the
 * results as JSON under bench/results/. Options:
 *   --sizes 1k,10k     which directory sizes (1k = 1,000 users / 100 groups; 10k = 10,000 / 1,000;
 *                      5 groups per user); default both; `none` for the handler and apply runs only
 *   --skip-apply       skip the apply-throughput runs
 *   --max-first-plan N skip the plans and applies of a size above N instances (default 20,000)
 *   --out DIR          where the JSON goes (default bench/results)
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readAuditEvents } from "../lib/audit/audit-files";
import { loadConfig } from "../lib/config/load-config";
import { buildOrgReport } from "../lib/report/plan-report";
import { synthesize } from "../lib/synth/synth-app";
import { applyPlan, init, plan } from "../lib/terraform/terraform-runner";
import { ENV } from "../providers/braintrust/contract";
import { autoShards } from "../lib/stacks/shard";
import { BraintrustServer } from "../sandbox/braintrust-server";
import { OktaServer } from "../sandbox/okta-server";

const ROOT = resolve(__dirname, "..", "..");
const TOKEN = "bench-okta-token";
const KEY = "bench-bt-key";
const ENVIRONMENT = { ...process.env, OKTA_API_TOKEN: TOKEN, BRAINTRUST_API_KEY_ACME: KEY, CHECKPOINT_DISABLE: "1" };
const say = (line = "") => process.stdout.write(`${line}\n`);

interface Row {
  readonly metric: string;
  readonly size: string;
  readonly measured: string;
  readonly target: string;
  /** true = met, false = missed, null = no target (for information). */
  readonly met: boolean | null;
  readonly value?: number;
}
const rows: Row[] = [];
function record(row: Row): void {
  rows.push(row);
  const mark = row.met === null ? "  " : row.met ? "ok" : "MISS";
  say(`  ${mark.padEnd(4)} ${row.metric}: ${row.measured}${row.target ? `  (target ${row.target})` : ""}`);
}

const SIZES: Record<string, { users: number; groups: number }> = { "1k": { users: 1_000, groups: 100 }, "10k": { users: 10_000, groups: 1_000 } };
const GROUPS_PER_USER = 5;

/** A deterministic synthetic directory: every user in GROUPS_PER_USER groups spread evenly. */
function seedOkta(okta: OktaServer, users: number, groups: number, membershipsPerUser: number) {
  const gs = Array.from({ length: groups }, (_, i) => okta.addGroup(`team-${String(i).padStart(4, "0")}`, `Team ${i}`));
  const us = Array.from({ length: users }, (_, i) => okta.addUser({ email: `user${String(i).padStart(5, "0")}@bench.example`, department: "Eng" }));
  us.forEach((u, i) => {
    for (let k = 0; k < membershipsPerUser; k++) okta.addToGroup(gs[(i + k * Math.max(1, Math.floor(groups / membershipsPerUser))) % groups].id, u.id);
  });
  return { gs, us };
}

function configYaml(oktaUrl: string, btUrl: string): string {
  return `okta:
  domain: ${oktaUrl}
  api_token: \${OKTA_API_TOKEN}
  max_concurrency: 16
braintrust_orgs:
  acme:
    url: ${btUrl}
    org_name: Acme
    api_key: \${BRAINTRUST_API_KEY_ACME}
sync_rules:
  users:
    mappings:
      - okta_filter: 'profile.department eq "Eng"'
        braintrust_orgs: [acme]
  groups:
    mappings:
      - okta_group_filter: 'profile.name sw "team-"'
        braintrust_orgs: [acme]
sync_options:
  send_invite_emails: false
terraform:
  shards_per_kind: auto
safety:
  max_removals: 100000
`;
}

interface SynthFigures {
  ms: number;
  maxRssMb: number;
  oktaCalls: number;
  membersRead: number;
  membersCached: number;
  members: number;
  groups: number;
  memberships: number;
}

/** Runs one synth in a child process (asynchronously: the local servers live in this process). */
function synthInChild(configFile: string, outdir: string): Promise<SynthFigures> {
  return new Promise((resolveFigures, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "dist", "scripts", "bench-synth.js"), configFile, outdir], { env: ENVIRONMENT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => (code === 0 ? resolveFigures(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`synth failed: ${err}`))));
  });
}

function duSize(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    total += st.isDirectory() ? (name === ".terraform" ? 0 : duSize(p)) : st.size;
  }
  return total;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = Date.now();
  const v = await fn();
  return [v, Date.now() - t];
}

/** Handler instances in a synthesized stack: the entries of every block's locals map. */
function countInstances(stackDir: string): number {
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
  return Object.keys(json.resource?.terraform_data ?? {}).reduce((n, name) => n + Object.keys(json.locals?.[name] ?? {}).length, 0);
}

function countBlocks(stackDir: string): number {
  return Object.keys(JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")).resource?.terraform_data ?? {}).length;
}

/** An empty working directory and local servers for one run: no rate limit to speak of, no contract checks (the tests do those). */
async function freshServers(workdir: string): Promise<{ okta: OktaServer; bt: BraintrustServer }> {
  rmSync(workdir, { recursive: true, force: true });
  mkdirSync(workdir, { recursive: true });
  const okta = new OktaServer({ token: TOKEN, rateLimitPerMinute: 1_000_000, checkContract: false });
  const bt = new BraintrustServer({ orgs: [{ name: "Acme", apiKey: KEY }], pendingUsersVisible: true, checkContract: false });
  await okta.start();
  await bt.start();
  return { okta, bt };
}

/** Minimum Okta calls for a full read: pages of 200 for users, groups, and each group's members. */
function minimumCalls(users: number, groups: number, membersPerGroup: number[]): number {
  return Math.ceil(users / 200) + Math.ceil(groups / 200) + membersPerGroup.reduce((n, m) => n + Math.max(1, Math.ceil(m / 200)), 0);
}

async function benchSize(label: string, users: number, groups: number, workdir: string, maxFirstPlan: number): Promise<void> {
  say(`\n== ${label}: ${users.toLocaleString("en")} users, ${groups.toLocaleString("en")} groups, ${GROUPS_PER_USER} groups per user ==`);
  const { okta, bt } = await freshServers(workdir);
  try {
    const { gs, us } = seedOkta(okta, users, groups, GROUPS_PER_USER);
    const configFile = join(workdir, "sync-config.yaml");
    writeFileSync(configFile, configYaml(okta.url, bt.url));
    const outdir = join(workdir, "cdktf.out");

    const first = await synthInChild(configFile, outdir);
    const membersPerGroup = gs.map((g) => okta.members.get(g.id)?.size ?? 0);
    const minimum = minimumCalls(users, groups, membersPerGroup);
    record({ metric: "synth wall time (first, full Okta read)", size: label, measured: seconds(first.ms), target: "< 20 s", met: first.ms < 20_000, value: first.ms });
    record({ metric: "synth peak memory (RSS)", size: label, measured: `${first.maxRssMb.toFixed(0)} MB`, target: "< 1024 MB", met: first.maxRssMb < 1024, value: first.maxRssMb });
    record({ metric: "Okta calls, full read", size: label, measured: `${first.oktaCalls} (minimum ${minimum})`, target: "= minimum", met: first.oktaCalls === minimum, value: first.oktaCalls });
    const again = await synthInChild(configFile, outdir);
    const base = Math.ceil(users / 200) + Math.ceil(groups / 200);
    record({ metric: "Okta calls, repeated synth with no Okta change", size: label, measured: `${again.oktaCalls} (${again.membersCached} groups from the cache); synth ${seconds(again.ms)}`, target: `<= ${base}`, met: again.oktaCalls <= base, value: again.oktaCalls });
    okta.addToGroup(gs[0].id, us[us.length - 1].id);
    okta.removeFromGroup(gs[1].id, [...okta.members.get(gs[1].id)!][0]);
    const changed = await synthInChild(configFile, outdir);
    record({ metric: "Okta calls, synth after 2 groups changed", size: label, measured: `${changed.oktaCalls}`, target: `<= ${base + 2}`, met: changed.oktaCalls <= base + 2, value: changed.oktaCalls });
    record({ metric: "429 responses from Okta", size: label, measured: String(okta.rateLimitedCount), target: "0", met: okta.rateLimitedCount === 0, value: okta.rateLimitedCount });
    const stackDir = join(outdir, "stacks", "acme");
    const instances = countInstances(stackDir);
    record({
      metric: "synthesized files",
      size: label,
      measured: `${(duSize(outdir) / 1e6).toFixed(1)} MB (${instances.toLocaleString("en")} instances for ${changed.memberships.toLocaleString("en")} memberships, ${countBlocks(stackDir)} blocks)`,
      target: "",
      met: null,
      value: duSize(outdir),
    });

    await init(stackDir, ENVIRONMENT);
    if (instances > maxFirstPlan) {
      record({ metric: "terraform plan, first (no state)", size: label, measured: `not run: ${instances.toLocaleString("en")} instances is above --max-first-plan ${maxFirstPlan.toLocaleString("en")}`, target: "< 60 s", met: false });
      return;
    }
    const [firstPlan, firstPlanMs] = await timed(() => plan(stackDir, ENVIRONMENT));
    record({ metric: "terraform plan, first (no state)", size: label, measured: `${seconds(firstPlanMs)} for ${firstPlan.changes.length} instances`, target: "< 60 s", met: firstPlanMs < 60_000, value: firstPlanMs });

    // The first apply of the whole directory, for real: every handler call against the local server.
    const since = new Date();
    const [applied, applyMs] = await timed(() => applyPlan(stackDir, ENVIRONMENT, firstPlan.planFile, 10));
    if (applied.code !== 0) throw new Error(`first apply failed: ${applied.stderr.slice(-500)}`);
    const events = readAuditEvents(join(workdir, "logs", "audit"), since, new Date());
    const calls = events.reduce((n, e) => n + e.api_calls, 0);
    record({
      metric: "first apply of the whole directory, parallelism 10 (default)",
      size: label,
      measured: `${seconds(applyMs)}: ${firstPlan.changes.length} instances at ${(firstPlan.changes.length / (applyMs / 1000)).toFixed(1)}/s; ${calls.toLocaleString("en")} Braintrust calls (max ${Math.max(0, ...events.map((e) => e.api_calls))} per instance)`,
      target: "< 15 min",
      met: applyMs < 15 * 60_000 && events.every((e) => e.success),
      value: applyMs,
    });
    const stateBytes = statSync(join(workdir, "state", "acme.tfstate")).size;
    const [noChange, noChangeMs] = await timed(() => plan(stackDir, ENVIRONMENT));
    const planned = noChange.changes.length + noChange.otherChanges;
    record({
      metric: "terraform plan, no changes (after the first apply)",
      size: label,
      measured: `${seconds(noChangeMs)} (${planned} changes; state ${(stateBytes / 1e6).toFixed(0)} MB)`,
      target: "< 60 s",
      met: noChangeMs < 60_000 && planned === 0,
      value: noChangeMs,
    });

    // One user joins, in 5 groups: the whole command, as a pipeline runs it (synth, init, plan, apply).
    const hire = okta.addUser({ email: "new.hire@bench.example", department: "Eng" });
    for (const g of gs.slice(0, 5)) okta.addToGroup(g.id, hire.id);
    const [cli, oneUserMs] = await timed(() => runCli(["apply", "--auto-approve", "--config", configFile], workdir));
    record({ metric: "one new user (1 member + 5 memberships): okta-braintrust-sync apply end to end", size: label, measured: `${seconds(oneUserMs)} (exit ${cli})`, target: "< 30 s", met: cli === 0 && oneUserMs < 30_000, value: oneUserMs });
  } finally {
    await okta.stop();
    await bt.stop();
  }
}

function runCli(args: string[], cwd: string): Promise<number> {
  return new Promise((resolveExit) => {
    const child = spawn(process.execPath, [join(ROOT, "dist", "lib", "cli", "main.js"), ...args], { cwd, env: ENVIRONMENT, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      if (code !== 0) say(err.split("\n").slice(-8).join("\n"));
      resolveExit(code ?? 1);
    });
  });
}

/** Apply throughput for 1,000 new memberships (200 users x 5 of 10 groups), at parallelism 10 and 50. */
async function benchApply(workdir: string): Promise<void> {
  say(`\n== apply: 1,000 new memberships against the local Braintrust server ==`);
  const { okta, bt } = await freshServers(workdir);
  try {
    const gs = Array.from({ length: 10 }, (_, i) => okta.addGroup(`team-${i}`, `Team ${i}`));
    const us = Array.from({ length: 200 }, (_, i) => okta.addUser({ email: `user${i}@bench.example`, department: "Eng" }));
    const configFile = join(workdir, "sync-config.yaml");
    writeFileSync(configFile, configYaml(okta.url, bt.url));
    const auditDir = join(workdir, "logs", "audit");
    let run = 0;
    const syncOnce = async (parallelism: number) => {
      const executionId = `bench-${++run}`;
      const env = { ...ENVIRONMENT, [ENV.executionId]: executionId };
      const synth = await synthesize({ loaded: loadConfig(configFile, env), env, outdir: join(workdir, "cdktf.out") });
      const dir = synth.stackDirs.acme;
      await init(dir, env);
      const p = await plan(dir, env);
      const since = new Date();
      const [r, ms] = await timed(() => applyPlan(dir, env, p.planFile, parallelism));
      if (r.code !== 0) throw new Error(`apply failed: ${r.stderr.slice(-500)}`);
      const events = readAuditEvents(auditDir, since, new Date()).filter((e) => e.execution_id === executionId);
      const calls = events.reduce((n, e) => n + e.api_calls, 0);
      const report = buildOrgReport({ alias: "acme", changes: p.changes, removeExtra: true });
      const memberships = report.memberships.add.length + report.memberships.remove.length;
      return { instances: p.changes.length, memberships, ms, calls, maxCalls: Math.max(0, ...events.map((e) => e.api_calls)), events };
    };
    const setup = await syncOnce(10);
    record({ metric: "first apply of 200 members (in buckets) + 10 groups (+10 settings), parallelism 10", size: "apply", measured: `${(setup.instances / (setup.ms / 1000)).toFixed(1)} instances/s, ${(setup.calls / setup.instances).toFixed(2)} calls per instance`, target: "", met: null, value: setup.instances / (setup.ms / 1000) });
    const perKind: Record<string, { n: number; calls: number }> = {};
    for (const e of setup.events) {
      const k = (perKind[e.kind] ??= { n: 0, calls: 0 });
      k.n += 1;
      k.calls += e.api_calls;
    }
    us.forEach((u, i) => {
      for (let k = 0; k < 5; k++) okta.addToGroup(gs[(i + k * 2) % 10].id, u.id);
    });
    for (const parallelism of [10, 50]) {
      const add = await syncOnce(parallelism);
      for (const e of add.events) {
        const k = (perKind[e.kind] ??= { n: 0, calls: 0 });
        k.n += 1;
        k.calls += e.api_calls;
      }
      record({
        metric: `apply of ${add.memberships} new memberships (${add.instances} group member lists), parallelism ${parallelism}`,
        size: "apply",
        measured: `${seconds(add.ms)}: ${(add.memberships / (add.ms / 1000)).toFixed(0)} memberships/s; ${(add.calls / add.memberships).toFixed(3)} calls per membership, max ${add.maxCalls} per instance`,
        target: "<= 2 calls per instance",
        met: add.maxCalls <= 2,
        value: add.memberships / (add.ms / 1000),
      });
      if (parallelism === 10) {
        // Take them away again (not timed as a target) so that the parallelism-50 run adds the same 1,000.
        us.forEach((u, i) => {
          for (let k = 0; k < 5; k++) okta.removeFromGroup(gs[(i + k * 2) % 10].id, u.id);
        });
        const removed = await syncOnce(50);
        record({
          metric: `apply of ${removed.memberships} membership removals (${removed.instances} group member lists), parallelism 50`,
          size: "apply",
          measured: `${(removed.memberships / (removed.ms / 1000)).toFixed(0)} memberships/s; max ${removed.maxCalls} calls per instance`,
          target: "<= 2 calls per instance",
          met: removed.maxCalls <= 2,
          value: removed.memberships / (removed.ms / 1000),
        });
        us.forEach((u, i) => {
          for (let k = 0; k < 5; k++) okta.addToGroup(gs[(i + k * 2) % 10].id, u.id);
        });
      }
    }
    const none = await syncOnce(10);
    record({ metric: "apply with no changes", size: "apply", measured: `${none.instances} instances, ${none.calls} Braintrust calls`, target: "0 calls", met: none.calls === 0, value: none.calls });

    // The original tool's first apply: one invite call per user and one membership call per group.
    for (const [label, s] of Object.entries(SIZES)) {
      const avg = (kind: string) => (perKind[kind] ? perKind[kind].calls / perKind[kind].n : 0);
      // Members in buckets of about 50 and one member list per group: a bucket costs an invite (and a
      // removal when people leave), a list of up to 100 members a lookup and a PATCH.
      const buckets = autoShards(s.users);
      const ours = Math.round(buckets * avg("members") + s.groups * (avg("group") + avg("group_settings") + avg("group_members")));
      record({ metric: `first apply, Braintrust calls: this tool (from measured calls per kind) vs the original tool's way (users + groups)`, size: label, measured: `${ours.toLocaleString("en")} vs ${(s.users + s.groups).toLocaleString("en")}`, target: "", met: null, value: ours });
    }
  } finally {
    await okta.stop();
    await bt.stop();
  }
}

/** Median wall time of a handler call that makes no API call (an invite_followup destroy). */
function benchHandlerStart(): void {
  say(`\n== handler start-up ==`);
  const target = { alias: "acme", apiUrl: "http://127.0.0.1:9", orgName: null, apiKeyEnv: "BRAINTRUST_API_KEY_ACME", removeExtra: false, sendInviteEmails: false, auditDir: join(ROOT, ".bench", "handler", "audit"), pendingDir: join(ROOT, ".bench", "handler", "pending"), idsDir: join(ROOT, ".bench", "handler", "ids"), ownedDir: join(ROOT, ".bench", "handler", "owned"), policy: { users: { enabled: false, remove_deactivated: false, remove_suspended: false, remove_unmapped: false, protect: [] }, groups: { enabled: false, protect: [] }, acls: { enabled: false } }, timeoutMs: 1000 };
  const env = { ...ENVIRONMENT, [ENV.action]: "destroy", [ENV.kind]: "invite_followup", [ENV.spec]: JSON.stringify({ group: "g", email: "a@b.example", attempt: "1" }), [ENV.target]: JSON.stringify(target) };
  const medianOf = (args: string[]) => {
    const times: number[] = [];
    for (let i = 0; i < 31; i++) {
      const t = process.hrtime.bigint();
      execFileSync(process.execPath, args, { env, stdio: "ignore" });
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    return { median: times[15], min: times[0], max: times[30] };
  };
  const bare = medianOf(["-e", "0"]);
  const handler = medianOf([join(ROOT, "dist", "providers", "braintrust", "handler.js")]);
  record({
    metric: "handler start-up, median of 31 no-op calls",
    size: "-",
    measured: `${handler.median.toFixed(0)} ms (min ${handler.min.toFixed(0)}, max ${handler.max.toFixed(0)}); a bare \`node -e 0\` takes ${bare.median.toFixed(0)} ms here`,
    target: "< 100 ms",
    met: handler.median < 100,
    value: handler.median,
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { sizes: { type: "string" }, "skip-apply": { type: "boolean" }, "max-first-plan": { type: "string" }, out: { type: "string" } } });
  const maxFirstPlan = Number(values["max-first-plan"] ?? 20_000);
  const sizes = values.sizes === "none" ? [] : (values.sizes ?? "1k,10k").split(",").map((s) => s.trim());
  for (const s of sizes) if (!SIZES[s]) throw new Error(`--sizes: unknown size "${s}"; the sizes are ${Object.keys(SIZES).join(", ")}`);
  const terraform = execFileSync("terraform", ["version"], { encoding: "utf8" }).split("\n")[0];
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.version}, ${terraform}`;
  say(`okta-braintrust-sync benchmark on ${machine}`);
  const started = Date.now();
  benchHandlerStart();
  for (const s of sizes) await benchSize(s, SIZES[s].users, SIZES[s].groups, join(ROOT, ".bench", s), maxFirstPlan);
  if (!values["skip-apply"]) await benchApply(join(ROOT, ".bench", "apply"));
  const outDir = resolve(values.out ?? join(ROOT, "bench", "results"));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify({ when: new Date().toISOString(), machine, duration_s: (Date.now() - started) / 1000, rows }, null, 2) + "\n");
  say(`\n${rows.filter((r) => r.met === true).length} targets met, ${rows.filter((r) => r.met === false).length} missed. Results: ${file}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`bench failed: ${e.stack ?? e.message}\n`);
    process.exit(1);
  },
);
