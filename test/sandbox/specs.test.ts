import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OpenApiContract, SPEC_DIR } from "../../sandbox/openapi-contract";

describe("the API descriptions the local servers are checked against", () => {
  const shared = join(__dirname, "..", "..", "..", "shared", "specs");

  it.runIf(existsSync(shared))("are unchanged copies of shared/specs", () => {
    for (const f of ["braintrust-openapi.json", "okta-management-subset.json"]) {
      expect(readFileSync(join(SPEC_DIR, f)).equals(readFileSync(join(shared, f))), f).toBe(true);
    }
  });

  it("catch a request the Braintrust description does not allow", () => {
    const bt = OpenApiContract.braintrust();
    expect(bt.checkRequest("PATCH", "/v1/group/0c4a0f7e-1d0e-4a55-9a4f-0a7e3a5c9d11", new URLSearchParams(), { add_member_users: "x" })).toEqual([
      "PATCH /v1/group/0c4a0f7e-1d0e-4a55-9a4f-0a7e3a5c9d11 request body: /add_member_users must be array",
    ]);
    expect(bt.checkRequest("GET", "/v1/group", new URLSearchParams({ cursor: "1" }), undefined)).toEqual(['GET /v1/group: query parameter "cursor" is not declared']);
    expect(bt.checkRequest("POST", "/v1/users", new URLSearchParams(), {})).toEqual(["POST /v1/users: path not in the braintrust API description"]);
    expect(bt.route("/v1/acl/list_org")).toBe("/v1/acl/list_org");
  });

  it("catch a response the Okta description does not allow", () => {
    const okta = OpenApiContract.okta();
    expect(okta.checkResponse("GET", "/api/v1/users", 200, [{ id: "00u1", profile: { email: null } }])).toEqual([
      "GET /api/v1/users -> 200 response body: /0/profile/email must be string",
    ]);
    expect(okta.checkResponse("GET", "/api/v1/groups", 418, {})).toEqual(["GET /api/v1/groups -> 418: status 418 is not documented for this operation"]);
    // Real Okta answers 500 E0000009 on timeouts although the description declares no 5xx here.
    expect(okta.checkResponse("GET", "/api/v1/groups", 500, {})).toEqual([]);
  });
});
