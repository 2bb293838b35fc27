import { BraintrustServer, type BraintrustServerOptions } from "../../sandbox/braintrust-server";
import { OktaServer } from "../../sandbox/okta-server";
import { SANDBOX_ENV, sandboxBraintrustOrgs } from "../../sandbox/sample-company";

export interface LocalServers {
  readonly okta: OktaServer;
  readonly braintrust: BraintrustServer;
  stop(): Promise<void>;
}

/** Starts the local Okta and Braintrust servers on loopback (the one helper every test uses). */
export async function startServers(options: Partial<BraintrustServerOptions> = {}, okta: { rateLimitPerMinute?: number; maxPageSize?: number } = {}): Promise<LocalServers> {
  const o = new OktaServer({ token: SANDBOX_ENV.OKTA_API_TOKEN, ...okta });
  const b = new BraintrustServer({ orgs: sandboxBraintrustOrgs(), ...options });
  await o.start();
  await b.start();
  return {
    okta: o,
    braintrust: b,
    async stop() {
      await o.stop();
      await b.stop();
    },
  };
}
