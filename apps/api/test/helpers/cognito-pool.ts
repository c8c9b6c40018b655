import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import { COGNITO_LOCAL_REGION, startCognitoLocal } from '@trainplane/testkit'

export interface PoolTokens {
  accessToken: string
  idToken: string
}

export interface CognitoPool {
  issuer: string
  clientId: string
  /** Tokens from the API's app client, by user name. */
  tokens: Record<'alice' | 'bob' | 'carol', PoolTokens>
  /** Alice's tokens from a second app client the API does not trust. */
  otherClientTokens: PoolTokens
}

const PASSWORD = 'Correct-horse-battery-1'

/**
 * Creates a real user pool on cognito-local: the API's app client and another app's client, the
 * groups `admins`, `teamA` and `ml-research`, and three confirmed, signed-in users: alice (in
 * ml-research and teamA), bob (no group) and carol (admins).
 */
export async function startCognitoPool(t: {
  teardown(fn: () => unknown): void
}): Promise<CognitoPool> {
  const cognito = await startCognitoLocal()
  t.teardown(() => cognito.stop())
  const client = new CognitoIdentityProviderClient({
    endpoint: cognito.endpoint,
    region: COGNITO_LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  })
  t.teardown(() => client.destroy())

  const pool = await client.send(new CreateUserPoolCommand({ PoolName: 'trainplane' }))
  const poolId = pool.UserPool?.Id ?? ''
  const createClient = async (name: string) => {
    const created = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: name,
        ExplicitAuthFlows: ['USER_PASSWORD_AUTH'],
      }),
    )
    return created.UserPoolClient?.ClientId ?? ''
  }
  const clientId = await createClient('trainplane-cli')
  const otherClientId = await createClient('other-app')

  for (const group of ['admins', 'teamA', 'ml-research']) {
    await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: group }))
  }

  const signIn = async (username: string, appClientId: string): Promise<PoolTokens> => {
    const auth = await client.send(
      new InitiateAuthCommand({
        ClientId: appClientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD },
      }),
    )
    return {
      accessToken: auth.AuthenticationResult?.AccessToken ?? '',
      idToken: auth.AuthenticationResult?.IdToken ?? '',
    }
  }

  const users = { alice: ['ml-research', 'teamA'], bob: [], carol: ['admins'] } as const
  const tokens = {} as CognitoPool['tokens']
  for (const [username, groups] of Object.entries(users) as [
    keyof typeof users,
    readonly string[],
  ][]) {
    // cognito-local's pools sign users in by email address.
    const email = `${username}@example.com`
    await client.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: email,
        Password: PASSWORD,
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    )
    await client.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: email }))
    for (const group of groups) {
      await client.send(
        new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: email, GroupName: group }),
      )
    }
    tokens[username] = await signIn(email, clientId)
  }

  return {
    issuer: cognito.issuerFor(poolId),
    clientId,
    tokens,
    otherClientTokens: await signIn('alice@example.com', otherClientId),
  }
}

/** Decodes a JWT's claims without verification, for assertions. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
}
