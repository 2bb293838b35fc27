#!/usr/bin/env node
/**
 * The Braintrust resource handler: Terraform runs it (local-exec) once per created or destroyed
 * instance. One narrow contract (contract.ts): the action, the kind and the instance's spec arrive
 * in the environment; exit 0 = done, non-zero with one line on stderr = failed (Terraform taints a
 * failed create and retries it on the next apply). Every call appends one audit event.
 */
import { join } from "node:path";
import { ENV, KINDS, grantKey, membershipKey, type AclSpec, type Action, type Kind, type SpecOf, type Target } from "./contract";
import { BraintrustClient } from "./client";
import { GroupIds } from "./group-ids";
import { Ownership } from "./ownership";
import { writeAudit } from "./audit";
import { structuredHttpLog } from "../../lib/log/structured-log";
import type { KindHandler, Outcome } from "./kinds/kind-handler";
import { group } from "./kinds/group";
import { groupSettings } from "./kinds/group-settings";
import { members } from "./kinds/members";
import { groupMemberEviction, groupMembers, inviteFollowup } from "./kinds/group-member";
import { role, roleSettings } from "./kinds/role";
import { acl } from "./kinds/acl";

/** Every kind and its handler; the `satisfies` clause makes a missing kind a compile error. */
const HANDLERS = {
  group,
  group_settings: groupSettings,
  role,
  role_settings: roleSettings,
  members,
  group_members: groupMembers,
  group_member_eviction: groupMemberEviction,
  invite_followup: inviteFollowup,
  acl,
} satisfies { [K in Kind]: KindHandler<SpecOf[K]> };

export interface Invocation {
  readonly action: Action;
  readonly kind: Kind;
  readonly spec: Record<string, unknown>;
  readonly target: Target;
  readonly removalReasons: Record<string, string>;
  readonly superseded?: string[];
  readonly executionId: string;
}

export class InvocationError extends Error {}

/** Reads and checks the invocation from the environment; throws InvocationError naming the variable. */
export function readInvocation(env: NodeJS.ProcessEnv): Invocation {
  const action = env[ENV.action];
  if (action !== "create" && action !== "destroy") throw new InvocationError(`${ENV.action} must be "create" or "destroy", got ${JSON.stringify(action ?? null)}`);
  const kind = env[ENV.kind] as Kind;
  if (!KINDS.includes(kind)) throw new InvocationError(`${ENV.kind} must be one of ${KINDS.join(", ")}, got ${JSON.stringify(kind ?? null)}`);
  const spec = parseJson(env, ENV.spec) as Record<string, unknown>;
  const target = parseJson(env, ENV.target) as Target;
  const removalReasons = env[ENV.removalReasons] ? (parseJson(env, ENV.removalReasons) as Record<string, string>) : {};
  const superseded = env[ENV.superseded] ? (parseJson(env, ENV.superseded) as string[]) : [];
  return { action, kind, spec, target, removalReasons, superseded, executionId: env[ENV.executionId] || "unset" };
}

function parseJson(env: NodeJS.ProcessEnv, name: string): unknown {
  const raw = env[name];
  if (!raw) throw new InvocationError(`${name} is not set; this program is run by Terraform from a synthesized stack`);
  try {
    return JSON.parse(raw);
  } catch {
    throw new InvocationError(`${name} is not valid JSON`);
  }
}

function keyOf(kind: Kind, spec: Record<string, unknown>): string {
  if (kind === "members") return String(spec.bucket);
  if (kind === "group" || kind === "group_settings" || kind === "role" || kind === "role_settings") return String(spec.name);
  if (kind === "group_members") return String(spec.group);
  if (kind === "acl") return grantKey(spec as unknown as AclSpec);
  return membershipKey({ group: String(spec.group), email: String(spec.email) });
}

/** Runs one invocation and writes its audit event. Inner code throws; this is the one wrapper. */
export async function handle(inv: Invocation, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<Outcome> {
  const started = Date.now();
  const { target } = inv;
  let client: BraintrustClient | undefined;
  const base = { execution_id: inv.executionId, org: target.alias, kind: inv.kind, key: keyOf(inv.kind, inv.spec), action: inv.action };
  try {
    const apiKey = env[target.apiKeyEnv];
    if (!apiKey) throw new Error(`environment variable ${target.apiKeyEnv} (the API key of Braintrust org "${target.alias}") is not set`);
    const httpLog = structuredHttpLog({ env, secrets: [apiKey], fields: { execution_id: inv.executionId, org: target.alias } });
    client = new BraintrustClient({ apiUrl: target.apiUrl, apiKey, orgName: target.orgName, timeoutMs: target.timeoutMs, log, httpLog });
    const handler = HANDLERS[inv.kind] as KindHandler<unknown>;
    const ctx = {
      client,
      target,
      groupIds: new GroupIds(target.idsDir),
      roleIds: new GroupIds(join(target.idsDir, "roles")),
      ownership: new Ownership(target.ownedDir),
      removalReasons: inv.removalReasons,
      superseded: inv.superseded ?? [],
      autoCreateRoles: env[ENV.autoCreateRoles] !== "false",
      log,
    };
    const result = inv.action === "create" ? await handler.create(ctx, inv.spec) : await handler.destroy(ctx, inv.spec);
    writeAudit(target.auditDir, {
      ...base,
      outcome: result.outcome,
      success: true,
      error_message: null,
      before_state: result.before ?? null,
      after_state: result.after ?? null,
      duration_ms: Date.now() - started,
      api_calls: client.calls,
    });
    return result;
  } catch (e) {
    writeAudit(target.auditDir, {
      ...base,
      outcome: "failed",
      success: false,
      error_message: (e as Error).message,
      before_state: null,
      after_state: null,
      duration_ms: Date.now() - started,
      api_calls: client?.calls ?? 0,
    });
    throw e;
  }
}

async function main(): Promise<number> {
  const log = (line: string) => process.stderr.write(`okta-braintrust-sync: ${line}\n`);
  let inv: Invocation;
  try {
    inv = readInvocation(process.env);
  } catch (e) {
    log(`handler: ${(e as Error).message}`);
    return 2;
  }
  const what = `${inv.action} ${inv.kind} "${keyOf(inv.kind, inv.spec)}" in org ${inv.target.alias}`;
  try {
    const result = await handle(inv, process.env, log);
    process.stdout.write(`${what}: ${result.outcome}\n`);
    return 0;
  } catch (e) {
    log(`${what} failed: ${(e as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  main().then((code) => process.exit(code));
}
