import type { OktaServer } from "./okta-server";

/** Credentials of the sandbox: fake, and only ever accepted by the local servers. */
export const SANDBOX_ENV = {
  OKTA_API_TOKEN: "sandbox-okta-token",
  BRAINTRUST_API_KEY_ACME: "sandbox-bt-key-acme",
  BRAINTRUST_API_KEY_RESEARCH: "sandbox-bt-key-research",
} as const;

export const SANDBOX_ORGS = [
  { alias: "acme", name: "Acme", apiKey: SANDBOX_ENV.BRAINTRUST_API_KEY_ACME, keyEnv: "BRAINTRUST_API_KEY_ACME" },
  { alias: "research", name: "Acme Research", apiKey: SANDBOX_ENV.BRAINTRUST_API_KEY_RESEARCH, keyEnv: "BRAINTRUST_API_KEY_RESEARCH" },
] as const;

const FIRST = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Katherine", "Leslie", "Margaret", "Niklaus", "Radia", "Tim", "Shafi", "Judea", "Yoshua", "Fei-Fei", "Geoffrey", "Daphne", "Andrew", "Sebastian", "Hedy", "Claude"];
const LAST = ["Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "McCarthy", "Johnson", "Lamport", "Hamilton", "Wirth", "Perlman", "Berners-Lee", "Goldwasser", "Pearl", "Bengio", "Li", "Hinton", "Koller", "Ng", "Thrun", "Lamarr", "Shannon"];
const DEPARTMENTS = ["Engineering", "Research", "Sales"];

/**
 * A sample company: 24 people in three departments, six groups. Engineering and Sales go to the
 * `acme` org; Research to `acme-research`; `ml-*` groups to both. Deterministic: same names every run.
 */
export function seedSampleCompany(okta: OktaServer): void {
  const groups = {
    "ml-platform": okta.addGroup("ml-platform", "Builds the model platform"),
    "ml-research": okta.addGroup("ml-research", "Trains and evaluates models"),
    "eval-reviewers": okta.addGroup("eval-reviewers", "Reviews evaluation results"),
    "sales-engineering": okta.addGroup("sales-engineering", "Customer demos"),
    "all-staff": okta.addGroup("all-staff", "Everyone at Acme"),
    contractors: okta.addGroup("contractors", "External contractors"),
  };
  FIRST.forEach((first, i) => {
    const last = LAST[i];
    const department = DEPARTMENTS[i % 3];
    const email = `${first.toLowerCase()}.${last.toLowerCase()}@acme.example`;
    const user = okta.addUser({ email, login: email, firstName: first, lastName: last, department }, i === 23 ? "SUSPENDED" : "ACTIVE");
    okta.addToGroup(groups["all-staff"].id, user.id);
    if (department === "Engineering") okta.addToGroup(groups[i % 2 ? "ml-platform" : "sales-engineering"].id, user.id);
    if (department === "Research") okta.addToGroup(groups["ml-research"].id, user.id);
    if (i % 4 === 0) okta.addToGroup(groups["eval-reviewers"].id, user.id);
    if (i % 7 === 6) okta.addToGroup(groups.contractors.id, user.id);
  });
}

export function sandboxConfigYaml(oktaUrl: string, braintrustUrl: string, extra: { removeExtra?: boolean } = {}): string {
  return `# Sandbox configuration: local Okta and Braintrust servers, fake credentials.
okta:
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
      - okta_filter: 'profile.department eq "Engineering" or profile.department eq "Sales"'
        braintrust_orgs: [acme]
      - okta_filter: 'profile.department eq "Research"'
        braintrust_orgs: [research]
  groups:
    mappings:
      - okta_group_filter: 'profile.name sw "ml-" or profile.name eq "eval-reviewers"'
        braintrust_orgs: [acme, research]
      - okta_group_filter: 'profile.name eq "sales-engineering"'
        braintrust_orgs: [acme]

sync_options:
  remove_extra: ${extra.removeExtra ? "true" : "false"}
  send_invite_emails: false
`;
}

/** The Braintrust orgs (names and keys) the sandbox's local server is started with. */
export function sandboxBraintrustOrgs(): { name: string; apiKey: string }[] {
  return SANDBOX_ORGS.map((o) => ({ name: o.name, apiKey: o.apiKey }));
}
