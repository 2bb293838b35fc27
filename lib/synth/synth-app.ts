import { existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { App } from "cdktf";
import { membershipKey, type InviteFollowupSpec, type Target } from "../../providers/braintrust/contract";
import { readPending } from "../../providers/braintrust/pending";
import type { LoadedConfig } from "../config/load-config";
import type { SyncConfig } from "../config/schema";
import type { HttpLog } from "../log/structured-log";
import { computeDesiredState, type DesiredState } from "../model/desired-state";
import { baseUrlOf } from "../http/base-url";
import { OktaClient } from "../okta/okta-client";
import { MembershipCache } from "../okta/membership-cache";
import { readDirectory } from "../okta/read-directory";
import { readPlacements } from "../state/managed-state";
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
  const desired = computeDesiredState(config, snapshot);
  for (const w of desired.warnings) log(`warning: ${w}`);

  // cdktf validates every terraform_data block by running `terraform version` (one process per
  // block: 16 s for the sandbox); the Terraform runner checks the version once instead.
  const app = new App({ outdir, skipValidation: true });
  const stackDirs: Record<string, string> = {};
  for (const org of desired.orgs) {
    const paths = orgPaths(loaded, org.alias);
    const stackDir = join(resolve(outdir), "stacks", org.alias);
    stackDirs[org.alias] = stackDir;
    const wanted = new Set(org.memberships.map(membershipKey));
    // Follow-ups only for memberships still wanted; the others are cleaned up by their group_member destroy.
    const followups: InviteFollowupSpec[] = readPending(paths.pendingDir)
      .filter((r) => wanted.has(membershipKey(r)))
      .map((r) => ({ group: r.group, email: r.email, attempt: r.attempt }));
    new OrgStack(app, org.alias, {
      desired: org,
      followups,
      statePath: relative(stackDir, paths.stateFile),
      settings: {
        shards: config.terraform.shards_per_kind,
        placements: readPlacements(paths.stateFile),
        resourceType: config.terraform.resource_type,
        handlerCommand: `node ${shellQuote(HANDLER_PATH)}`,
        target: targetFor(config, org.alias, paths),
      },
    });
  }
  app.synth();
  return { desired, oktaCalls: okta.calls, oktaStats, stackDirs };
}

/** The literal target of an org's provisioners: policy and connection, never a secret value. */
export function targetFor(config: SyncConfig, alias: string, paths: { pendingDir: string; idsDir: string; auditDir: string }): Target {
  const org = config.braintrust_orgs[alias];
  return {
    alias,
    apiUrl: baseUrlOf(org.url),
    orgName: org.org_name ?? null,
    apiKeyEnv: org.api_key.env,
    removeExtra: config.sync_options.remove_extra,
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
