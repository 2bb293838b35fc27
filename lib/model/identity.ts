import type { SyncConfig } from "../config/schema";
import type { OktaUser } from "../okta/okta-client";

/**
 * Okta statuses of an activated account: these users are members. LOCKED_OUT, PASSWORD_EXPIRED and
 * RECOVERY are still active accounts; SUSPENDED and DEPROVISIONED are not.
 */
export const ACTIVE_STATUSES: readonly string[] = ["ACTIVE", "RECOVERY", "PASSWORD_EXPIRED", "LOCKED_OUT"];

/** The Okta profile field that holds a person's Braintrust email, as the config names it. */
export function identityField(config: SyncConfig): string {
  const m = config.sync_rules.users.identity_mapping;
  return m.strategy === "email" ? "email" : m.strategy === "login" ? "login" : m.custom_field!;
}

/** A user's identity: the configured profile field, trimmed and lower-cased, when it is an email. */
export function identityOf(config: SyncConfig): (user: OktaUser) => string | undefined {
  const field = identityField(config);
  return (user) => {
    const v = user.profile[field];
    if (typeof v !== "string") return undefined;
    const id = v.trim().toLowerCase();
    return /^[^@\s]+@[^@\s]+$/.test(id) ? id : undefined;
  };
}

