import type { Target } from "../../providers/braintrust/contract";
import type { ResourceType } from "./handler-instances";

/** What every kind's construct needs to emit its blocks. */
export interface HandlerSettings {
  readonly shards: number;
  readonly resourceType: ResourceType;
  readonly target: Target;
  readonly handlerCommand: string;
}
