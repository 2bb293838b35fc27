import type { OktaServer } from "../../sandbox/okta-server";

/** A small directory whose desired state is easy to write down in a test. */
export function seedSmallDirectory(okta: OktaServer) {
  const ml = okta.addGroup("ml-team", "Machine learning");
  const evals = okta.addGroup("evals", "Evaluation reviewers");
  okta.addGroup("sales", "Not synced");
  const alice = okta.addUser({ email: "Alice@Example.com", department: "Engineering" });
  const bob = okta.addUser({ email: "bob@example.com", department: "Engineering" });
  const carol = okta.addUser({ email: "carol@example.com", department: "Research" });
  const dave = okta.addUser({ email: "dave@example.com", department: "Research" });
  okta.addUser({ email: null, login: "noemail@example.com", department: "Engineering" });
  okta.addUser({ email: "frank@example.com", department: "Engineering" }, "SUSPENDED");
  okta.addToGroup(ml.id, alice.id);
  okta.addToGroup(ml.id, carol.id);
  okta.addToGroup(evals.id, bob.id);
  okta.addToGroup(evals.id, dave.id);
  return { ml, evals, alice, bob, carol, dave };
}

export function smallConfig(oktaUrl: string, braintrustUrl: string, options: { removeExtra?: boolean; resourceType?: string; maxRemovals?: number } = {}): string {
  return `okta:
  domain: ${oktaUrl}
  api_token: \${OKTA_API_TOKEN}
braintrust_orgs:
  acme:
    url: ${braintrustUrl}
    org_name: Acme
    api_key: \${BRAINTRUST_API_KEY_ACME}
  research:
    url: ${braintrustUrl}
    org_name: Acme Research
    api_key: \${BRAINTRUST_API_KEY_RESEARCH}
sync_rules:
  users:
    mappings:
      - okta_filter: 'profile.department eq "Engineering"'
        braintrust_orgs: [acme]
      - okta_filter: 'profile.department eq "Research"'
        braintrust_orgs: [research]
  groups:
    mappings:
      - okta_group_filter: 'profile.name eq "ml-team" or profile.name eq "evals"'
        braintrust_orgs: [acme, research]
sync_options:
  remove_extra: ${options.removeExtra ? "true" : "false"}
  send_invite_emails: true
terraform:
  resource_type: ${options.resourceType ?? "terraform_data"}
  shards_per_kind: 4
${options.maxRemovals === undefined ? "" : `safety:\n  max_removals: ${options.maxRemovals}\n`}`;
}
