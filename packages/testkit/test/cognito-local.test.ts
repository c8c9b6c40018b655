import {
  AdminConfirmSignUpCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { COGNITO_LOCAL_REGION, startCognitoLocal } from '../src/cognito-local.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

t.test('cognito-local issues tokens whose issuer serves a JWKS', async (t) => {
  const cognito = await startCognitoLocal()
  t.teardown(() => cognito.stop())
  const client = new CognitoIdentityProviderClient({
    endpoint: cognito.endpoint,
    region: COGNITO_LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  })
  t.teardown(() => client.destroy())

  const pool = await client.send(new CreateUserPoolCommand({ PoolName: 'test' }))
  const poolId = pool.UserPool?.Id ?? ''
  const app = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'cli',
      ExplicitAuthFlows: ['USER_PASSWORD_AUTH'],
    }),
  )
  const clientId = app.UserPoolClient?.ClientId ?? ''
  await client.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: 'ada@example.com',
      Password: 'Correct-horse-1',
    }),
  )
  await client.send(
    new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'ada@example.com' }),
  )
  const auth = await client.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'ada@example.com', PASSWORD: 'Correct-horse-1' },
    }),
  )

  const accessToken = auth.AuthenticationResult?.AccessToken ?? ''
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString())
  t.equal(claims.iss, cognito.issuerFor(poolId))
  t.equal(claims.token_use, 'access')

  const jwks = (await (
    await fetch(`${cognito.issuerFor(poolId)}/.well-known/jwks.json`)
  ).json()) as { keys: unknown[] }
  t.ok(jwks.keys.length > 0)
})
