import { existsSync, readFileSync, statSync } from "node:fs";
import type { Kind } from "../../providers/braintrust/contract";
import { readPending } from "../../providers/braintrust/pending";
import { parseMembership, type Membership } from "../report/plan-report";
import { kindOfBlock, specOf } from "../terraform/terraform-runner";

/** What the tool manages in one org now, as Terraform's state records it. */
export interface ManagedOrg {
  readonly alias: string;
  readonly state_file: string;
  /** False before the first apply. */
  readonly exists: boolean;
  readonly serial: number | null;
  readonly last_changed: string | null;
  readonly members: string[];
  readonly groups: { readonly name: string; readonly description: string | null; readonly members: string[] }[];
  readonly memberships: number;
  /** Roles the config defines, with the settings last applied. */
  readonly roles: { readonly name: string; readonly description: string | null; readonly permissions: string[] }[];
  /** Grants, by instance key (`group/project:name/role:Role`). */
  readonly grants: string[];
  /** Memberships waiting for an invitee to accept. */
  readonly pending: Membership[];
  /** Instances whose create failed; the next apply runs it again. */
  readonly failed: { readonly kind: Kind; readonly key: string }[];
}

/* eslint-disable @typescript-eslint/no-explicit-any */

function readState(stateFile: string): any {
  let state: any;
  try {
    state = JSON.parse(readFileSync(stateFile, "utf8"));
  } catch (e) {
    throw new Error(`${stateFile} is not valid JSON (${(e as Error).message}); restore it from ${stateFile}.backup or your state backup`);
  }
  if (state?.version !== 4) throw new Error(`${stateFile} has state format version ${state?.version}; this tool reads version 4 (Terraform >= 0.12)`);
  return state;
}

/** One instance in state: the block it is in and the spec stored on it. */
export interface StateInstance {
  readonly block: string;
  readonly spec: any;
  readonly tainted: boolean;
}

/**
 * What the version before member buckets and member lists left in state: one instance per member
 * (`member_07["ada@x.example"]`) and per membership (`group_member_03["ml/ada@x.example"]`). Those
 * blocks are gone from the configuration, so Terraform drops them without a destroy; the new
 * buckets and lists treat these people as already applied, so the upgrade invites and adds nobody
 * again and its plan reads as no change in Braintrust.
 */
export interface LegacyState {
  readonly members: ReadonlySet<string>;
  /** Group -> emails. */
  readonly memberships: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Per kind, every instance of this tool's blocks in a state file, by key, and what an older version left. Empty without state. */
export function readStateInstances(stateFile: string, legacy?: { members: Set<string>; memberships: Map<string, Set<string>> }): Map<Kind, Map<string, StateInstance>> {
  const byKind = new Map<Kind, Map<string, StateInstance>>();
  if (!existsSync(stateFile)) return byKind;
  for (const resource of readState(stateFile).resources ?? []) {
    const kind = resource.mode === "managed" ? kindOfBlock(resource.name) : undefined;
    if (!kind && legacy && resource.mode === "managed") {
      if (/^member_\d+$/.test(resource.name)) for (const i of resource.instances ?? []) legacy.members.add(String(i.index_key));
      if (/^group_member_\d+$/.test(resource.name)) {
        for (const i of resource.instances ?? []) {
          const m = parseMembership(String(i.index_key));
          legacy.memberships.set(m.group, (legacy.memberships.get(m.group) ?? new Set()).add(m.email));
        }
      }
    }
    if (!kind) continue;
    const byKey = byKind.get(kind) ?? byKind.set(kind, new Map()).get(kind)!;
    for (const instance of resource.instances ?? []) {
      byKey.set(String(instance.index_key), { block: resource.name, spec: specOf(instance.attributes), tainted: instance.status === "tainted" });
    }
  }
  return byKind;
}

/**
 * Per kind, the block each instance is in (`member` -> `ada@x.example` -> `member_07`): synth keeps
 * instances where they are, so a change of the block count never moves one. Empty without state.
 */
export function placementsOf(instances: ReadonlyMap<Kind, ReadonlyMap<string, StateInstance>>): Map<string, Map<string, string>> {
  return new Map([...instances].map(([kind, byKey]) => [kind, new Map([...byKey].map(([key, i]) => [key, i.block]))]));
}

export function readPlacements(stateFile: string): Map<string, Map<string, string>> {
  return placementsOf(readStateInstances(stateFile));
}

/**
 * Reads a local state file (format version 4) directly: `show` then needs neither Okta, nor a
 * synth, nor `terraform init`. Only the instances of this tool's blocks (`<kind>_<nn>`) count.
 */
export function readManagedOrg(alias: string, stateFile: string, pendingDir: string): ManagedOrg {
  const pending = readPending(pendingDir).filter((p) => !p.resolved).map((p) => ({ group: p.group, email: p.email }));
  if (!existsSync(stateFile)) {
    return { alias, state_file: stateFile, exists: false, serial: null, last_changed: null, members: [], groups: [], memberships: 0, roles: [], grants: [], pending, failed: [] };
  }
  const state = readState(stateFile);
  const members = new Set<string>();
  const groups = new Map<string, { description: string | null; members: string[] }>();
  const failed: { kind: Kind; key: string }[] = [];
  const memberships: Membership[] = [];
  const roles = new Map<string, { description: string | null; permissions: string[] }>();
  const grants: string[] = [];
  const roleEntry = (name: string) => roles.get(name) ?? roles.set(name, { description: null, permissions: [] }).get(name)!;
  const groupEntry = (name: string) => groups.get(name) ?? groups.set(name, { description: null, members: [] }).get(name)!;
  for (const resource of state.resources ?? []) {
    if (resource.mode !== "managed") continue;
    const kind = kindOfBlock(resource.name);
    if (!kind) continue;
    for (const instance of resource.instances ?? []) {
      const key = String(instance.index_key);
      if (instance.status === "tainted") {
        failed.push({ kind, key });
        continue;
      }
      const spec = specOf(instance.attributes);
      if (kind === "members") for (const email of spec?.members ?? []) members.add(email);
      else if (kind === "group") groupEntry(key);
      else if (kind === "group_settings") groupEntry(String(spec?.name ?? key)).description = spec?.description ?? null;
      else if (kind === "group_members") for (const email of spec?.members ?? []) memberships.push({ group: String(spec?.group ?? key), email });
      else if (kind === "role") roleEntry(key);
      else if (kind === "role_settings") {
        const r = roleEntry(String(spec?.name ?? key));
        r.description = spec?.description ?? null;
        r.permissions = (spec?.member_permissions ?? []).map((p: any) => p.permission + (p.restrict_object_type ? `:${p.restrict_object_type}` : ""));
      } else if (kind === "acl") grants.push(key);
    }
  }
  for (const m of memberships) groupEntry(m.group).members.push(m.email);
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    alias,
    state_file: stateFile,
    exists: true,
    serial: typeof state.serial === "number" ? state.serial : null,
    last_changed: statSync(stateFile).mtime.toISOString(),
    members: [...members].sort(byName),
    groups: [...groups.entries()].sort(([a], [b]) => byName(a, b)).map(([name, g]) => ({ name, description: g.description, members: g.members.sort(byName) })),
    memberships: memberships.length,
    roles: [...roles.entries()].sort(([a], [b]) => byName(a, b)).map(([name, r]) => ({ name, ...r })),
    grants: grants.sort(byName),
    pending,
    failed: failed.sort((a, b) => byName(a.kind + a.key, b.kind + b.key)),
  };
}
