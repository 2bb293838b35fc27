import type { Target } from "../contract";
import type { BraintrustClient } from "../client";
import type { GroupIds } from "../group-ids";
import type { Ownership } from "../ownership";

/** What one handler call hands to a kind. */
export interface KindContext {
  readonly client: BraintrustClient;
  readonly target: Target;
  /** Group ids remembered from earlier calls. */
  readonly groupIds: GroupIds;
  /** Role ids remembered from earlier calls. */
  readonly roleIds: GroupIds;
  /** What this tool created (it deletes only those). */
  readonly ownership: Ownership;
  /** role create only: whether a missing role may be created (auto_create_roles). */
  readonly autoCreateRoles: boolean;
  /** members and group_members destroy only: keys whose instance is replaced rather than dropped. */
  readonly superseded: readonly string[];
  /** members only: why each leaving member leaves. */
  readonly removalReasons: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
}

/** What a kind reports back; the handler turns it into the audit event. */
export interface Outcome {
  readonly outcome: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

/**
 * The lifecycle contract of one kind (cf. AWS CDK custom-resource providers):
 * - create may run twice (a failed create taints; the next apply creates again without a destroy),
 *   so it must be idempotent and clean up its own partial work;
 * - destroy may run twice and must treat "already gone" as success;
 * - throw to fail.
 */
export interface KindHandler<S> {
  create(ctx: KindContext, spec: S): Promise<Outcome>;
  destroy(ctx: KindContext, spec: S): Promise<Outcome>;
}
