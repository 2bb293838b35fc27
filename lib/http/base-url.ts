/** A configured host (`acme.okta.com`, https implied) or full URL (`http://127.0.0.1:8081/`) as a base URL without a trailing slash. */
export function baseUrlOf(hostOrUrl: string): string {
  const u = hostOrUrl.trim().replace(/\/+$/, "");
  return /^[a-z]+:\/\//i.test(u) ? u : `https://${u}`;
}
