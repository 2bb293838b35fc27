import type { Kind } from "../../providers/braintrust/contract";
import type { PlannedChange } from "./terraform-runner";

const WORDS: Record<Kind, { create: string; delete: string; replace: string }> = {
  member: { create: "invite member", delete: "remove member (by policy)", replace: "re-invite member" },
  group: { create: "create group", delete: "delete group (by policy)", replace: "re-create group" },
  group_settings: { create: "apply group settings", delete: "retire group settings", replace: "re-apply group settings" },
  group_member: { create: "add to group", delete: "remove from group", replace: "re-add to group" },
  invite_followup: { create: "check pending invitee", delete: "stop checking invitee", replace: "check pending invitee again" },
};

/** A key as people read it: a settings instance's hash suffix dropped. */
export function displayKey(change: PlannedChange): string {
  return change.kind === "group_settings" ? change.key.replace(/#[0-9a-f]{8}$/, "") : change.key;
}

/** One line per planned change, in plan order, e.g. `+ add to group  ml-platform/ada@acme.example`. */
export function describeChanges(changes: readonly PlannedChange[]): string[] {
  const sign = { create: "+", delete: "-", replace: "±" } as const;
  return changes.map((c) => `${sign[c.action]} ${WORDS[c.kind][c.action].padEnd(27)} ${displayKey(c)}`);
}

export function countChanges(changes: readonly PlannedChange[]): { create: number; delete: number; replace: number } {
  const n = { create: 0, delete: 0, replace: 0 };
  for (const c of changes) n[c.action] += 1;
  return n;
}
