import type { Target } from "../../providers/braintrust/contract";
import type { ResourceType } from "./handler-instances";

/** What every kind's construct needs to emit its blocks. */
export interface HandlerSettings {
  /** Blocks per kind, or `auto` (about 50 instances per block). */
  readonly shards: number | "auto";
  /** Per kind, the block each instance in state is in (instances never move between blocks). */
  readonly placements?: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly resourceType: ResourceType;
  readonly target: Target;
  readonly handlerCommand: string;
}

/**
 * Whether an instance already in state sits in `block`: what a block's literal environment may say
 * about its instances (a destroy provisioner can read nothing else).
 */
export function placedIn(settings: HandlerSettings, kind: string, block: string): (key: string) => boolean {
  const placed = settings.placements?.get(kind);
  return (key) => placed?.get(key) === block;
}
