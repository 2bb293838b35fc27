/**
 * `npm run demo`: the whole job on the built-in sandbox, no credentials and no network. Starts a
 * local Okta and a local Braintrust, then drives the built `okta-braintrust-sync` command as a user
 * would (validate, plan, apply, show, status) with the real Terraform, while the directory changes
 * between runs and one Braintrust outage makes a run fail and the next one converge.
 */
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { BraintrustServer } from "../sandbox/braintrust-server";
import { OktaServer } from "../sandbox/okta-server";
import { SANDBOX_ENV, SANDBOX_ORGS, sandboxBraintrustOrgs, sandboxConfigYaml, seedSampleCompany } from "../sandbox/sample-company";

const CLI = resolve(__dirname, "..", "lib", "cli", "main.js");
const say = (line = "") => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const workdir = resolve(process.env.DEMO_DIR ?? ".demo");
  rmSync(workdir, { recursive: true, force: true });
  mkdirSync(workdir, { recursive: true });
  const okta = new OktaServer({ token: SANDBOX_ENV.OKTA_API_TOKEN });
  const braintrust = new BraintrustServer({ orgs: sandboxBraintrustOrgs() });
  await okta.start();
  await braintrust.start();
  seedSampleCompany(okta);
  writeFileSync(join(workdir, "sync-config.yaml"), sandboxConfigYaml(okta.url, braintrust.url));
  const env = { ...process.env, ...SANDBOX_ENV };
  say(`Local Okta at ${okta.url} (${okta.users.size} users, ${okta.groups.size} groups); local Braintrust at ${braintrust.url}`);
  say(`Working directory ${workdir}: sync-config.yaml, cdktf.out/, state/, logs/audit/`);

  const run = (...args: string[]) => cli(args, workdir, env);
  const problems: string[] = [];
  const expect = (what: string, code: number, wanted: number) => {
    if (code !== wanted) problems.push(`${what} exited ${code}, expected ${wanted}`);
  };
  try {
    expect("validate", await run("validate"), 0);
    expect("first plan", await run("plan", "--out", "plan.md"), 2);
    expect("first apply", await run("apply", "--auto-approve"), 0);

    say("\n# Most invitees accept their invitations (one per org does not yet), and the directory changes:");
    for (const org of SANDBOX_ORGS) {
      const pending = braintrust.view(org.name).pending;
      for (const email of pending.slice(0, -1)) braintrust.accept(org.name, email);
      say(`#   ${org.alias}: ${pending.length - 1} of ${pending.length} invitees accepted`);
    }
    const hire = okta.addUser({ email: "linus.torvalds@acme.example", firstName: "Linus", lastName: "Torvalds", department: "Engineering" });
    okta.addToGroup(okta.groupByName("ml-platform").id, hire.id);
    okta.removeFromGroup(okta.groupByName("eval-reviewers").id, okta.userByEmail("andrew.ng@acme.example").id);
    okta.setStatus(okta.userByEmail("tim.berners-lee@acme.example").id, "DEPROVISIONED");
    okta.setGroupDescription(okta.groupByName("ml-research").id, "Trains, evaluates and ships models");
    say("#   + linus.torvalds@acme.example joins Engineering and ml-platform");
    say("#   - andrew.ng@acme.example leaves eval-reviewers");
    say("#   - tim.berners-lee@acme.example is deactivated (remove_extra is false: kept in Braintrust, audited)");
    say("#   ~ ml-research gets a new description");
    expect("second plan", await run("plan"), 2);
    expect("second apply", await run("apply", "--auto-approve"), 0);

    say("\n# grace.hopper@acme.example joins eval-reviewers, while Braintrust fails every group update (HTTP 500):");
    okta.addToGroup(okta.groupByName("eval-reviewers").id, okta.userByEmail("grace.hopper@acme.example").id);
    braintrust.injectFault({ method: "PATCH", path: "/v1/group/", status: 500, count: 1000 });
    expect("apply during the outage", await run("apply", "--auto-approve", "--org", "acme"), 1);
    expect("status", await run("status", "--limit", "5"), 0);
    say("\n# Braintrust recovers; the next apply retries only what failed:");
    braintrust.clearFaults();
    expect("apply after the outage", await run("apply", "--auto-approve"), 0);
    expect("show", await run("show", "--org", "acme"), 0);
    expect("status", await run("status", "--limit", "5"), 0);
    expect("plan with invitations still open", await run("plan"), 2);

    say("\n# The last invitees accept; the next apply puts them in their groups, and then the plan is empty:");
    for (const org of SANDBOX_ORGS) for (const email of braintrust.view(org.name).pending) braintrust.accept(org.name, email);
    expect("apply after the last acceptances", await run("apply", "--auto-approve"), 0);
    expect("final plan", await run("plan"), 0);

    const violations = [...okta.violations, ...braintrust.violations];
    say(`\n# Contract check against the official API descriptions: ${violations.length === 0 ? "no violations" : violations.join("\n")}`);
    problems.push(...violations);
    say(problems.length ? `# Demo FAILED:\n${problems.map((p) => `#   ${p}`).join("\n")}` : "# Demo finished: every step behaved as expected.");
    return problems.length ? 1 : 0;
  } finally {
    await okta.stop();
    await braintrust.stop();
  }
}

/** Runs the built command in the working directory, its output straight to ours; resolves with its exit code. */
function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  say(`\n$ okta-braintrust-sync ${args.join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", reject);
    child.on("close", (code) => {
      say(`[exit ${code}]`);
      resolve(code ?? 1);
    });
  });
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`demo failed: ${e.message}\n`);
    process.exit(1);
  },
);
