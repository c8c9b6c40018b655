import { randomBytes } from 'node:crypto'
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider'

export interface CognitoState {
  userPoolId: string
  clientId: string
  demo: { email: string; password: string }
}

export const ADMIN_GROUP = 'admins'
export const RESEARCH_GROUP = 'research'
export const DEMO_EMAIL = 'demo@example.com'

async function poolExists(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
): Promise<boolean> {
  try {
    await client.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))
    return true
  } catch {
    return false
  }
}

/** A password that meets Cognito's default policy: upper and lower case, a digit and a symbol. */
function demoPassword(): string {
  return `Demo-${randomBytes(9).toString('base64url')}-7a`
}

/**
 * Creates the user pool, the CLI's app client, the groups and the demo user on first start,
 * or reuses them when cognito-local kept them. The demo user signs up and is confirmed through
 * the Cognito API, so the post-confirmation trigger runs as it would on AWS.
 */
export async function provisionCognito(
  client: CognitoIdentityProviderClient,
  previous: CognitoState | undefined,
): Promise<{ state: CognitoState; created: boolean }> {
  if (previous && (await poolExists(client, previous.userPoolId))) {
    return { state: previous, created: false }
  }

  const pool = await client.send(
    new CreateUserPoolCommand({
      PoolName: 'trainplane-local',
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
    }),
  )
  const userPoolId = pool.UserPool?.Id
  if (!userPoolId) throw new Error('cognito-local created a user pool without an id')

  const app = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: 'trainplane-cli',
      GenerateSecret: false,
      ExplicitAuthFlows: [
        'ALLOW_USER_PASSWORD_AUTH',
        'ALLOW_USER_SRP_AUTH',
        'ALLOW_REFRESH_TOKEN_AUTH',
      ],
    }),
  )
  const clientId = app.UserPoolClient?.ClientId
  if (!clientId) throw new Error('cognito-local created an app client without an id')

  for (const GroupName of [ADMIN_GROUP, RESEARCH_GROUP]) {
    await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName }))
  }

  const demo = { email: DEMO_EMAIL, password: demoPassword() }
  await client.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: demo.email,
      Password: demo.password,
      UserAttributes: [{ Name: 'email', Value: demo.email }],
    }),
  )
  await client.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: demo.email }))
  await client.send(
    new AdminAddUserToGroupCommand({
      UserPoolId: userPoolId,
      Username: demo.email,
      GroupName: RESEARCH_GROUP,
    }),
  )

  return { state: { userPoolId, clientId, demo }, created: true }
}
