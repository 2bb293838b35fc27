import { existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { App } from "cdktf";
import { membershipKey, type EvictionSpec, type GroupMembersSpec, type InviteFollowupSpec, type MembersSpec, type Target } from "../../providers/braintrust/contract";
import { readPending } from "../../providers/braintrust/pending";
import type { LoadedConfig } from "../config/load-config";
import type { SyncConfig } from "../config/schema";
import type { HttpLog } from "../log/structured-log";
import { computeDesiredState, evictionsFor, identityField, nameGroups, needsProjects, removalReasons, type DesiredState, type RemovalReason } from "../model/desired-state";
import { baseUrlOf } from "../http/base-url";
import { OktaClient, type OktaUser } from "../okta/okta-client";
import { MembershipCache } from "../okta/membership-cache";
import { forEachConcurrently, readDirectory, type OktaSnapshot } from "../okta/read-directory";
import { placementsOf, readStateInstances, type StateInstance } from "../state/managed-state";
import { readBraintrustOrg } from "./read-braintrust";
import { OrgStack } from "../stacks/org-stack";

/** Absolute path of the compiled handler that Terraform runs (under the package's `dist/`, whether synth runs from `dist/` or from source). */
export const HANDLER_PATH = join(packageRoot(__dirname), "dist", "providers", "braintrust", "handler.js");

function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) return resolve(from, "..", "..");
    dir = up;
  }
  return dir;
}

export interface SynthOptions {
  readonly loaded: LoadedConfig;
  readonly env: NodeJS.ProcessEnv;
  /** cdktf output directory; stacks land in `<outdir>/stacks/<alias>`. */
  readonly outdir: string;
  readonly log?: (line: string) => void;
  /** Structured log of every Okta call (LOG_LEVEL=debug). */
  readonly httpLog?: HttpLog;
}

export interface SynthResult {
  readonly desired: DesiredState;
  readonly oktaCalls: number;
  /** Groups whose members were read from Okta, and those taken from the cache (unchanged `lastMembershipUpdated`). */
  readonly oktaStats: { readonly membersRead: number; readonly membersCached: number };
  /** Braintrust calls synth made (projects for grants, members of authoritative groups). */
  readonly braintrustCalls: number;
  /** Per org, why each member in state but no longer wanted leaves. */
  readonly removalReasons: Record<string, Record<string, RemovalReason>>;
  readonly stackDirs: Record<string, string>;
}

/** The audit directory (events and run summaries), absolute. */
export function auditDirOf(loaded: LoadedConfig): string {
  return resolve(loaded.baseDir, loaded.config.audit.directory);
}

/** Paths the stacks and the handler share, all absolute. */
export function orgPaths(loaded: LoadedConfig, alias: string) {
  const stateDir = resolve(loaded.baseDir, loaded.config.terraform.state_dir);
  return {
    stateFile: join(stateDir, `${alias}.tfstate`),
    pendingDir: join(stateDir, "pending", alias),
    idsDir: join(stateDir, "ids", alias),
    ownedDir: join(stateDir, "owned", alias),
    auditDir: auditDirOf(loaded),
  };
}

/** Reads Okta, computes the desired state, and writes one stack per org alias. */
export async function synthesize(options: SynthOptions): Promise<SynthResult> {
  const { loaded, env, outdir } = options;
  const { config } = loaded;
  const log = options.log ?? (() => undefined);
  if (!existsSync(HANDLER_PATH)) throw new Error(`the handler is not built (${HANDLER_PATH} is missing); run npm run build`);

  const tokenEnv = config.okta.api_token.env;
  const token = env[tokenEnv];
  if (!token) throw new Error(`environment variable ${tokenEnv} (okta.api_token) is not set; export the Okta API token in it`);
  const okta = new OktaClient({
    baseUrl: baseUrlOf(config.okta.domain),
    token,
    timeoutMs: config.okta.timeout_seconds * 1000,
    retry: { retries: config.okta.max_retries, baseDelayMs: 250, maxDelayMs: 60_000 },
    log,
    httpLog: options.httpLog,
  });
  const cache = config.okta.membership_cache ? MembershipCache.load(join(loaded.baseDir, ".cache"), baseUrlOf(config.okta.domain)) : undefined;
  const oktaStats = { membersRead: 0, membersCached: 0 };
  const snapshot = await readDirectory(config, okta, { onProgress: log, cache, concurrency: config.okta.max_concurrency, stats: oktaStats });
  const aliases = Object.keys(config.braintrust_orgs).sort();
  const legacy = new Map(aliases.map((alias) => [alias, { members: new Set<string>(), memberships: new Map<string, Set<string>>() }]));
  const inState = new Map(aliases.map((alias) => [alias, readStateInstances(orgPaths(loaded, alias).stateFile, legacy.get(alias))]));

  const bt = await readBraintrust(config, snapshot, aliases, env, options.httpLog, log);
  const desired = computeDesiredState(config, snapshot, { projects: bt.projects });
  for (const w of desired.warnings) log(`warning: ${w}`);
  const reasons = await leaverReasons(config, snapshot, desired, inState, okta);

  // cdktf validates every terraform_data block by running `terraform version` (one process per
  // block: 16 s for the sandbox); the Terraform runner checks the version once instead.
  const app = new App({ outdir, skipValidation: true });
  const stackDirs: Record<string, string> = {};
  for (const org of desired.orgs) {
    const paths = orgPaths(loaded, org.alias);
    const stackDir = join(resolve(outdir), "stacks", org.alias);
    stackDirs[org.alias] = stackDir;
    const state = inState.get(org.alias)!;
    const wanted = new Set(org.memberships.map(membershipKey));
    // Follow-ups only for memberships still wanted; the others are cleaned up by their group_members instance.
    const followups: InviteFollowupSpec[] = readPending(paths.pendingDir)
      .filter((r) => wanted.has(membershipKey(r)))
      .map((r) => ({ group: r.group, email: r.email, attempt: r.attempt }));
    const previousEvictions = new Map([...(state.get("group_member_eviction") ?? [])].map(([key, i]) => [key, i.spec as EvictionSpec]));
    const groupMembersInState = new Map([...(state.get("group_members") ?? [])].filter(([, i]) => Array.isArray(i.spec?.members)).map(([group, i]) => [group, { spec: i.spec as GroupMembersSpec, tainted: i.tainted }]));
    const managedMemberships = new Set([...groupMembersInState.values()].flatMap(({ spec }) => spec.members.map((email) => membershipKey({ group: spec.group, email }))));
    const evictions = evictionsFor(org, bt.groupMembers[org.alias] ?? {}, managedMemberships, previousEvictions, config.deletion_policies.users.protect);
    new OrgStack(app, org.alias, {
      desired: org,
      followups,
      evictions,
      removalReasons: reasons[org.alias],
      groupMembersInState,
      membersInState: membersInState(state),
      legacy: legacy.get(org.alias),
      statePath: relative(stackDir, paths.stateFile),
      settings: {
        shards: config.terraform.shards_per_kind,
        placements: placementsOf(state),
        resourceType: config.terraform.resource_type,
        handlerCommand: `node ${shellQuote(HANDLER_PATH)}`,
        target: targetFor(config, org.alias, paths),
      },
    });
  }
  app.synth();
  return { desired, oktaCalls: okta.calls, oktaStats, braintrustCalls: bt.calls, removalReasons: reasons, stackDirs };
}

/** The member buckets in one org's state, by bucket. */
function membersInState(state: ReadonlyMap<string, ReadonlyMap<string, StateInstance>>): Map<string, { spec: MembersSpec; tainted: boolean }> {
  return new Map(
    [...(state.get("members") ?? [])].filter(([, i]) => Array.isArray(i.spec?.members)).map(([bucket, i]) => [bucket, { spec: i.spec as MembersSpec, tainted: i.tainted }]),
  );
}

/**
 * Reads Braintrust only where the config needs it: the projects of orgs whose grants choose
 * projects, and the members of authoritative groups (to find people added by hand).
 */
async function readBraintrust(config: SyncConfig, snapshot: OktaSnapshot, aliases: string[], env: NodeJS.ProcessEnv, httpLog: HttpLog | undefined, log: (line: string) => void) {
  // Which groups are authoritative comes from the group mappings alone (no projects needed).
  const named = nameGroups(config, snapshot, aliases);
  const out = { projects: {} as Record<string, { id: string; name: string }[]>, groupMembers: {} as Record<string, Record<string, string[]>>, calls: 0 };
  for (const alias of aliases) {
    const authoritative = [...named.get(alias)!].filter(([, g]) => g.membership === "authoritative").map(([name]) => name);
    const read = await readBraintrustOrg(config, alias, env, { projects: needsProjects(config, alias), groups: authoritative }, httpLog, log);
    out.calls += read.calls;
    if (read.projects) out.projects[alias] = read.projects;
    if (read.groupMembers) out.groupMembers[alias] = read.groupMembers;
  }
  return out;
}

/**
 * Why each member in state but no longer wanted leaves, per org (the removal policy tells
 * deactivation from falling out of the mappings). Leavers no mapping returned are looked up in
 * Okta by identity, a few at a time.
 */
async function leaverReasons(
  config: SyncConfig,
  snapshot: OktaSnapshot,
  desired: DesiredState,
  inState: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, StateInstance>>>,
  okta: OktaClient,
): Promise<Record<string, Record<string, RemovalReason>>> {
  const identity = identityField(config);
  const known = new Set(snapshot.usersByMapping.flat().map((u) => String(u.profile[identity] ?? "").trim().toLowerCase()));
  const leaversByOrg = new Map(
    desired.orgs.map((org) => {
      const wanted = new Set(org.members);
      const inBuckets = [...membersInState(inState.get(org.alias) ?? new Map()).values()].flatMap(({ spec }) => spec.members);
      return [org.alias, inBuckets.filter((email) => !wanted.has(email))];
    }),
  );
  const lookups = [...new Set([...leaversByOrg.values()].flat())].filter((email) => !known.has(email));
  const found: OktaUser[] = [];
  await forEachConcurrently(lookups, config.okta.max_concurrency, async (email) => {
    found.push(...(await okta.searchUsers(`profile.${identity} eq "${email.replace(/["\\]/g, "\\$&")}"`)));
  });
  const reasons: Record<string, Record<string, RemovalReason>> = {};
  for (const [alias, leavers] of leaversByOrg) {
    const oktaIds: Record<string, string | undefined> = {};
    for (const { spec } of membersInState(inState.get(alias) ?? new Map()).values()) Object.assign(oktaIds, spec.okta_ids ?? {});
    reasons[alias] = removalReasons(config, snapshot, leavers, found, oktaIds);
  }
  return reasons;
}

/** The literal target of an org's provisioners: policy and connection, never a secret value. */
export function targetFor(config: SyncConfig, alias: string, paths: { pendingDir: string; idsDir: string; ownedDir: string; auditDir: string }): Target {
  const org = config.braintrust_orgs[alias];
  return {
    alias,
    apiUrl: baseUrlOf(org.url),
    orgName: org.org_name ?? null,
    apiKeyEnv: org.api_key.env,
    removeExtra: config.sync_options.remove_extra,
    policy: config.deletion_policies,
    ownedDir: paths.ownedDir,
    sendInviteEmails: config.sync_options.send_invite_emails,
    auditDir: paths.auditDir,
    pendingDir: paths.pendingDir,
    idsDir: paths.idsDir,
    timeoutMs: org.timeout_seconds * 1000,
  };
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
