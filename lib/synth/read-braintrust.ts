import { BraintrustClient } from "../../providers/braintrust/client";
import type { SyncConfig } from "../config/schema";
import { baseUrlOf } from "../http/base-url";
import type { HttpLog } from "../log/structured-log";

/** What synth reads from one Braintrust org: only what the config needs, and nothing for most configs. */
export interface BraintrustOrgRead {
  /** Projects (id, name), when the org's grants choose projects. */
  readonly projects?: { id: string; name: string }[];
  /** Emails of the members of each named group, for authoritative groups. */
  readonly groupMembers?: Record<string, string[]>;
  readonly calls: number;
}

/**
 * Reads projects (for grants that choose projects by pattern or "all") and the members of
 * authoritative groups (to find people added by hand). Needs the org's API key at plan time.
 */
export async function readBraintrustOrg(
  config: SyncConfig,
  alias: string,
  env: NodeJS.ProcessEnv,
  wants: { projects: boolean; groups: readonly string[] },
  httpLog?: HttpLog,
  log?: (line: string) => void,
): Promise<BraintrustOrgRead> {
  if (!wants.projects && wants.groups.length === 0) return { calls: 0 };
  const org = config.braintrust_orgs[alias];
  const apiKey = env[org.api_key.env];
  const why = [wants.projects ? "projects for its grants" : "", wants.groups.length ? "the members of its authoritative groups" : ""].filter(Boolean).join(" and ");
  if (!apiKey) throw new Error(`environment variable ${org.api_key.env} (the API key of Braintrust org "${alias}") is not set; plan reads ${why} from Braintrust`);
  const client = new BraintrustClient({ apiUrl: baseUrlOf(org.url), apiKey, orgName: org.org_name ?? null, timeoutMs: org.timeout_seconds * 1000, httpLog, log });
  const out: { projects?: { id: string; name: string }[]; groupMembers?: Record<string, string[]> } = {};
  if (wants.projects) out.projects = (await client.listProjects()).map((p) => ({ id: p.id, name: p.name }));
  if (wants.groups.length > 0) {
    const wanted = new Set(wants.groups);
    const groups = (await client.listGroups()).filter((g) => wanted.has(g.name) && !g.deleted_at);
    const emailById = new Map((await client.listAll<{ id: string; email?: string | null }>("/v1/user", {})).map((u) => [u.id, (u.email ?? "").toLowerCase()]));
    out.groupMembers = {};
    for (const g of groups) out.groupMembers[g.name] = (g.member_users ?? []).map((id) => emailById.get(id)).filter((e): e is string => !!e).sort();
  }
  log?.(`braintrust ${alias}: read ${why} (${client.calls} calls)`);
  return { ...out, calls: client.calls };
}
