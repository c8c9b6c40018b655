/**
 * Batch accepts a job's `shareIdentifier` of up to 255 letters and digits (AWS Batch API
 * reference, SubmitJob). The trailing `*` Batch allows is for prefixes in a scheduling policy,
 * not for a job, so it is not accepted here.
 */
export const SHARE_IDENTIFIER_PATTERN = '^[A-Za-z0-9]{1,255}$'
const shareIdentifierRegExp = new RegExp(SHARE_IDENTIFIER_PATTERN)

/** The authenticated caller of a request, from a verified Cognito token. */
export interface Principal {
  /** Cognito `sub`, the user's stable id. */
  userId: string
  username?: string
  /** Only ID tokens carry the email address. */
  email?: string
  groups: string[]
  isAdmin: boolean
  /** Fair-share identifier the worker passes to Batch for this user's runs. */
  shareIdentifier: string
  tokenUse: 'access' | 'id'
  clientId: string
}

export interface GroupMapping {
  adminGroup: string
  defaultShareIdentifier: string
}

/**
 * Maps Cognito groups to the caller's role and fair-share identifier: members of the admin
 * group are admins, and the first other group whose name is a valid Batch share identifier
 * becomes the share identifier, in the order the token lists the groups.
 */
export function mapGroups(
  groups: string[],
  mapping: GroupMapping,
): Pick<Principal, 'isAdmin' | 'shareIdentifier'> {
  const shareGroup = groups.find(
    (group) => group !== mapping.adminGroup && shareIdentifierRegExp.test(group),
  )
  return {
    isAdmin: groups.includes(mapping.adminGroup),
    shareIdentifier: shareGroup ?? mapping.defaultShareIdentifier,
  }
}
