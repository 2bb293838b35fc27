import { afterEach, beforeEach, expect } from "vitest";
import type { BraintrustServerOptions } from "../../sandbox/braintrust-server";
import { startServers, type LocalServers } from "./servers";
import { seedSmallDirectory, smallConfig } from "./small-directory";
import { Workspace } from "./workspace";

export interface SmallSandbox {
  servers: LocalServers;
  ws: Workspace;
  dir: ReturnType<typeof seedSmallDirectory>;
}

/**
 * For a describe block: before each test, fresh local servers with the small directory and a
 * workspace holding its config; after each, no contract violation (unless told otherwise) and the
 * servers stopped. Read the fields inside tests, not at definition time.
 */
export function useSmallSandbox(braintrust: Partial<BraintrustServerOptions> = {}, options: { checkContract?: boolean } = {}): SmallSandbox {
  const box = {} as SmallSandbox;
  beforeEach(async () => {
    box.servers = await startServers(braintrust);
    box.dir = seedSmallDirectory(box.servers.okta);
    box.ws = new Workspace();
    box.ws.writeConfig(smallConfig(box.servers.okta.url, box.servers.braintrust.url));
  });
  afterEach(async () => {
    if (options.checkContract !== false) expect([...box.servers.okta.violations, ...box.servers.braintrust.violations]).toEqual([]);
    await box.servers.stop();
  });
  return box;
}
