import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import { COGNITO_LOCAL_REGION, startCognitoLocal } from '@trainplane/testkit'

export interface TestCognito {
  endpoint: string
  region: string
  userPoolId: string
  clientId: string
  issuer: string
  /** Signs up and confirms a user who can sign in with the password. */
  createUser(email: string, password: string, groups?: string[]): Promise<void>
  /** Creates a user with a temporary password, who must set a new one at first sign-in. */
  createInvitedUser(email: string, temporaryPassword: string): Promise<void>
}

/** Starts cognito-local with one pool and an app client that allows USER_PASSWORD_AUTH. */
export async function startTestCognito(t: {
  teardown(fn: () => unknown): void
}): Promise<TestCognito> {
  const cognito = await startCognitoLocal()
  t.teardown(() => cognito.stop())

  const client = new CognitoIdentityProviderClient({
    endpoint: cognito.endpoint,
    region: COGNITO_LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  })
  t.teardown(() => client.destroy())

  const pool = await client.send(new CreateUserPoolCommand({ PoolName: 'cli-test' }))
  const userPoolId = pool.UserPool?.Id ?? ''
  const app = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: 'cli',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  )
  const clientId = app.UserPoolClient?.ClientId ?? ''
  const groups = new Set<string>()

  return {
    endpoint: cognito.endpoint,
    region: COGNITO_LOCAL_REGION,
    userPoolId,
    clientId,
    issuer: cognito.issuerFor(userPoolId),
    async createUser(email, password, userGroups = []) {
      await client.send(
        new SignUpCommand({ ClientId: clientId, Username: email, Password: password }),
      )
      await client.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: email }))
      for (const group of userGroups) {
        if (!groups.has(group)) {
          await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group }))
          groups.add(group)
        }
        await client.send(
          new AdminAddUserToGroupCommand({
            UserPoolId: userPoolId,
            Username: email,
            GroupName: group,
          }),
        )
      }
    },
    async createInvitedUser(email, temporaryPassword) {
      await client.send(
        new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          Username: email,
          TemporaryPassword: temporaryPassword,
          MessageAction: 'SUPPRESS',
        }),
      )
    },
  }
}

/** Environment that points the CLI at the test pool and a config directory. */
export function cognitoEnv(
  cognito: TestCognito,
  configDir: string,
  apiUrl = 'http://127.0.0.1:9',
): Record<string, string> {
  return {
    TRAINPLANE_CONFIG_DIR: configDir,
    TRAINPLANE_API_URL: apiUrl,
    TRAINPLANE_REGION: cognito.region,
    TRAINPLANE_USER_POOL_ID: cognito.userPoolId,
    TRAINPLANE_CLIENT_ID: cognito.clientId,
    TRAINPLANE_COGNITO_ENDPOINT: cognito.endpoint,
  }
}
