// @ts-check
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CreateGroupCommand,
  ListGroupsCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider'

/**
 * @typedef {import('@aws-sdk/client-cognito-identity-provider').CognitoIdentityProviderClient}
 *   CognitoClient
 */

/** The API's default ADMIN_GROUP, and the group of the demo user. */
export const GROUPS = ['admins', 'research']
export const DEMO_GROUP = 'research'
export const DEMO_EMAIL = 'demo@example.com'

/** The file in the init job's state folder that keeps the demo user's sign-in. */
export const DEMO_USER_FILE = 'demo-user.json'

/**
 * @typedef {object} DemoUser
 * @property {string} email
 * @property {string} password
 */

/**
 * Makes a password that meets the pool's policy: at least 12 characters with upper and lower
 * case letters, a digit and a symbol.
 */
function newDemoPassword() {
  return `Demo-${randomBytes(12).toString('base64url')}-9z`
}

/**
 * @param {unknown} err
 * @param {string} name
 */
function isAwsError(err, name) {
  return err instanceof Error && err.name === name
}

/**
 * Creates the platform's groups that do not exist yet. They are found with ListGroups:
 * cognito-local's CreateGroup replaces an existing group and drops its members, and its GetGroup
 * fails with an internal error in a pool that has no group yet.
 *
 * @param {CognitoClient} cognito
 * @param {string} userPoolId
 * @returns {Promise<string[]>} the groups created
 */
export async function ensureGroups(cognito, userPoolId) {
  const existing = new Set()
  /** @type {string | undefined} */
  let nextToken
  do {
    const page = await cognito.send(
      new ListGroupsCommand({ UserPoolId: userPoolId, Limit: 60, NextToken: nextToken }),
    )
    for (const group of page.Groups ?? []) existing.add(group.GroupName)
    nextToken = page.NextToken
  } while (nextToken)

  const created = GROUPS.filter((group) => !existing.has(group))
  for (const GroupName of created) {
    await cognito.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName }))
  }
  return created
}

/**
 * @param {CognitoClient} cognito
 * @param {string} userPoolId
 * @returns {Promise<string | undefined>} the demo user's status; undefined when there is no user
 */
async function demoUserStatus(cognito, userPoolId) {
  try {
    const user = await cognito.send(
      new AdminGetUserCommand({ UserPoolId: userPoolId, Username: DEMO_EMAIL }),
    )
    return user.UserStatus ?? 'UNKNOWN'
  } catch (err) {
    if (isAwsError(err, 'UserNotFoundException')) return undefined
    throw err
  }
}

/**
 * @param {string} stateDir
 * @returns {DemoUser | undefined}
 */
export function readDemoUser(stateDir) {
  const path = join(stateDir, DEMO_USER_FILE)
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined
}

/**
 * Writes the demo user's sign-in readable by its owner only.
 *
 * @param {string} stateDir
 * @param {DemoUser} user
 */
function writeDemoUser(stateDir, user) {
  mkdirSync(stateDir, { recursive: true })
  const path = join(stateDir, DEMO_USER_FILE)
  writeFileSync(`${path}.tmp`, `${JSON.stringify(user, null, 2)}\n`, { mode: 0o600 })
  renameSync(`${path}.tmp`, path)
}

/**
 * Makes sure the demo user exists, is confirmed, is in the demo group and signs in with the
 * password kept in the state folder. A new user signs up and is confirmed through the Cognito
 * API, so cognito-local runs the PostConfirmation trigger, which writes the user to the users
 * table as on AWS. An existing user whose password is not kept gets a new one.
 *
 * @param {CognitoClient} cognito
 * @param {{ userPoolId: string, clientId: string, stateDir: string }} options
 * @returns {Promise<DemoUser & { created: boolean }>}
 */
export async function ensureDemoUser(cognito, { userPoolId, clientId, stateDir }) {
  const saved = readDemoUser(stateDir)
  const user = { email: DEMO_EMAIL, password: saved?.password ?? newDemoPassword() }

  const status = await demoUserStatus(cognito, userPoolId)
  if (status === undefined) {
    await cognito.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: user.email,
        Password: user.password,
        UserAttributes: [{ Name: 'email', Value: user.email }],
      }),
    )
  } else if (!saved) {
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: userPoolId,
        Username: user.email,
        Password: user.password,
        Permanent: true,
      }),
    )
  }

  if ((await demoUserStatus(cognito, userPoolId)) === 'UNCONFIRMED') {
    await cognito.send(
      new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: user.email }),
    )
  }
  await cognito.send(
    new AdminAddUserToGroupCommand({
      UserPoolId: userPoolId,
      Username: user.email,
      GroupName: DEMO_GROUP,
    }),
  )

  writeDemoUser(stateDir, user)
  return { ...user, created: status === undefined }
}
