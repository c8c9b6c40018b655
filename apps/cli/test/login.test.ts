import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runBinary, runInProcess, scriptedPrompter, tempConfigDir } from './helpers/cli-harness.js'
import { cognitoEnv, startTestCognito } from './helpers/cognito.js'
import { sendError, sendJson, startFakeApi } from './helpers/fake-api.js'

const PASSWORD = 'Correct-horse-1'

interface CredentialsFile {
  profiles: Record<
    string,
    {
      accessToken: string
      refreshToken?: string
      expiresAt: string
      username: string
      clientId: string
    }
  >
}

function readCredentials(dir: string): CredentialsFile {
  return JSON.parse(readFileSync(join(dir, 'credentials.json'), 'utf8'))
}

t.test('login with cognito-local', async (t) => {
  const cognito = await startTestCognito(t)

  t.test('stores tokens with private permissions', async (t) => {
    const dir = tempConfigDir(t)
    await cognito.createUser('ada@example.com', PASSWORD)

    const result = await runBinary(['login', '--username', 'ada@example.com', '--password-stdin'], {
      env: cognitoEnv(cognito, dir),
      stdin: `${PASSWORD}\n`,
    })

    t.equal(result.code, 0, result.stderr)
    t.equal(result.stdout, 'Signed in as ada@example.com with profile default.\n')
    t.equal(statSync(dir).mode & 0o777, 0o700)
    t.equal(statSync(join(dir, 'credentials.json')).mode & 0o777, 0o600)
    const tokens = readCredentials(dir).profiles.default
    t.ok(tokens?.accessToken)
    t.ok(tokens?.refreshToken)
    t.equal(tokens?.username, 'ada@example.com')
    t.equal(tokens?.clientId, cognito.clientId)
    t.ok(Date.parse(tokens?.expiresAt ?? '') > Date.now(), 'expiry is in the future')
    t.notMatch(result.stdout + result.stderr, tokens?.accessToken ?? 'no token', 'no token printed')
  })

  t.test('rejects a wrong password', async (t) => {
    const dir = tempConfigDir(t)
    await cognito.createUser('bob@example.com', PASSWORD)

    const result = await runInProcess(
      ['login', '--username', 'bob@example.com', '--password-stdin'],
      {
        env: cognitoEnv(cognito, dir),
        stdin: 'wrong-password\n',
      },
    )

    t.equal(result.code, 1)
    // cognito-local 5.3 raises InvalidPasswordException, and AWS returns NotAuthorizedException.
    t.match(
      result.stderr,
      /^error: .*check the username and password \((InvalidPassword|NotAuthorized)Exception\)\n$/,
    )
    t.throws(() => readCredentials(dir), /ENOENT/, 'nothing is stored')
  })

  t.test('needs a terminal or --password-stdin', async (t) => {
    const dir = tempConfigDir(t)

    const noTerminal = await runInProcess(['login', '--username', 'x@example.com'], {
      env: cognitoEnv(cognito, dir),
    })
    const noUsername = await runInProcess(['login', '--password-stdin'], {
      env: cognitoEnv(cognito, dir),
      stdin: 'secret\n',
    })
    const emptyPassword = await runInProcess(
      ['login', '--username', 'x@example.com', '--password-stdin'],
      {
        env: cognitoEnv(cognito, dir),
        stdin: '\n',
      },
    )

    t.equal(noTerminal.code, 2)
    t.match(
      noTerminal.stderr,
      /standard input is not a terminal.*pass --username and --password-stdin \(CLI_ERR_USAGE\)/,
    )
    t.equal(noUsername.code, 2)
    t.match(noUsername.stderr, /--password-stdin needs --username/)
    t.equal(emptyPassword.code, 2)
    t.match(emptyPassword.stderr, /read an empty password/)
  })

  t.test('prompts and sets a new password', async (t) => {
    const dir = tempConfigDir(t)
    await cognito.createInvitedUser('cy@example.com', 'Temporary-pass-1')
    const prompter = scriptedPrompter([
      'cy@example.com',
      'Temporary-pass-1',
      'Brand-new-pass-2',
      'Brand-new-pass-2',
    ])

    const first = await runInProcess(['login'], { env: cognitoEnv(cognito, dir), prompter })
    const again = await runInProcess(
      ['login', '--username', 'cy@example.com', '--password-stdin'],
      {
        env: cognitoEnv(cognito, dir),
        stdin: 'Brand-new-pass-2\n',
      },
    )

    t.equal(first.code, 0, first.stderr)
    t.same(prompter.questions, [
      'Email: ',
      'Password: ',
      'New password (the account must set one): ',
      'Repeat the new password: ',
    ])
    t.equal(again.code, 0, again.stderr)
  })

  t.test('cannot set a new password without a terminal', async (t) => {
    const dir = tempConfigDir(t)
    await cognito.createInvitedUser('dee@example.com', 'Temporary-pass-1')

    const result = await runInProcess(
      ['login', '--username', 'dee@example.com', '--password-stdin'],
      {
        env: cognitoEnv(cognito, dir),
        stdin: 'Temporary-pass-1\n',
      },
    )

    t.equal(result.code, 1)
    t.match(
      result.stderr,
      /must set a new password first; run `trainplane login` in a terminal \(CLI_ERR_CHALLENGE_UNSUPPORTED\)/,
    )
  })

  t.test('refreshes a token about to expire', async (t) => {
    const dir = tempConfigDir(t)
    await cognito.createUser('eve@example.com', PASSWORD)
    const api = await startFakeApi(t, (_request, response) =>
      sendJson(response, 200, { items: [] }),
    )
    const env = cognitoEnv(cognito, dir, api.url)
    await runInProcess(['login', '--username', 'eve@example.com', '--password-stdin'], {
      env,
      stdin: PASSWORD,
    })
    const stored = readCredentials(dir)
    const old = stored.profiles.default
    if (!old) throw new Error('login stored nothing')
    // 30 s left is inside the one-minute margin, so the CLI must refresh before sending.
    old.expiresAt = new Date(Date.now() + 30_000).toISOString()
    writeFileSync(join(dir, 'credentials.json'), JSON.stringify(stored))

    const result = await runBinary(['runs'], { env })

    t.equal(result.code, 0, result.stderr)
    const refreshed = readCredentials(dir).profiles.default
    t.not(refreshed?.accessToken, old.accessToken)
    t.equal(refreshed?.refreshToken, old.refreshToken, 'the refresh token is kept')
    t.ok(Date.parse(refreshed?.expiresAt ?? '') > Date.now() + 60_000)
    t.equal(api.requests[0]?.headers.authorization, `Bearer ${refreshed?.accessToken}`)
    t.equal(statSync(join(dir, 'credentials.json')).mode & 0o777, 0o600)
  })

  t.test('retries once after a 401', async (t) => {
    const dir = tempConfigDir(t)
    await cognito.createUser('fay@example.com', PASSWORD)
    let rejected: string | undefined
    const api = await startFakeApi(t, (request, response) => {
      if (rejected === undefined) {
        rejected = request.headers.authorization
        sendError(response, 401, 'API_ERR_AUTH_INVALID', 'the bearer token is not valid')
        return
      }
      sendJson(response, 200, { items: [] })
    })
    const env = cognitoEnv(cognito, dir, api.url)
    await runInProcess(['login', '--username', 'fay@example.com', '--password-stdin'], {
      env,
      stdin: PASSWORD,
    })

    const result = await runInProcess(['runs'], { env })

    t.equal(result.code, 0, result.stderr)
    t.equal(api.requests.length, 2)
    t.not(api.requests[1]?.headers.authorization, rejected, 'the retry uses a refreshed token')
    t.equal(result.stdout, 'No runs.\n')
  })

  t.test('asks to log in after a second 401', async (t) => {
    const dir = tempConfigDir(t)
    await cognito.createUser('gus@example.com', PASSWORD)
    const api = await startFakeApi(t, (_request, response) =>
      sendError(response, 401, 'API_ERR_AUTH_INVALID', 'the bearer token is not valid'),
    )
    const env = cognitoEnv(cognito, dir, api.url)
    await runInProcess(['login', '--username', 'gus@example.com', '--password-stdin'], {
      env,
      stdin: PASSWORD,
    })

    const result = await runInProcess(['runs'], { env })

    t.equal(result.code, 1)
    t.equal(api.requests.length, 2)
    t.match(
      result.stderr,
      /even after a refresh; run `trainplane login` \(CLI_ERR_LOGIN_REQUIRED\)/,
    )
  })

  t.test('rejected refresh token asks to log in', async (t) => {
    const dir = tempConfigDir(t)
    const api = await startFakeApi(t, (_request, response) =>
      sendJson(response, 200, { items: [] }),
    )
    writeFileSync(
      join(dir, 'credentials.json'),
      JSON.stringify({
        profiles: {
          default: {
            username: 'old@example.com',
            clientId: cognito.clientId,
            accessToken: 'expired',
            refreshToken: 'revoked-or-unknown',
            expiresAt: new Date(Date.now() - 1000).toISOString(),
          },
        },
      }),
      { mode: 0o600 },
    )

    const result = await runInProcess(['runs'], { env: cognitoEnv(cognito, dir, api.url) })

    t.equal(result.code, 1)
    t.match(
      result.stderr,
      /the sign-in expired or was revoked; run `trainplane login` \(CLI_ERR_LOGIN_REQUIRED\)/,
    )
    t.equal(api.requests.length, 0)
  })

  t.test('ignores tokens of another app client', async (t) => {
    const dir = tempConfigDir(t)
    await cognito.createUser('hal@example.com', PASSWORD)
    const env = cognitoEnv(cognito, dir)
    await runInProcess(['login', '--username', 'hal@example.com', '--password-stdin'], {
      env,
      stdin: PASSWORD,
    })

    const result = await runInProcess(['runs'], {
      env: { ...env, TRAINPLANE_CLIENT_ID: 'otherclient1' },
    })

    t.equal(result.code, 1)
    t.match(
      result.stderr,
      /is for app client .*, but the settings name app client otherclient1; run `trainplane login`/,
    )
  })

  t.test('logout deletes the tokens', async (t) => {
    const dir = tempConfigDir(t)
    await cognito.createUser('ivy@example.com', PASSWORD)
    const env = cognitoEnv(cognito, dir)
    await runInProcess(['login', '--username', 'ivy@example.com', '--password-stdin'], {
      env,
      stdin: PASSWORD,
    })

    const result = await runInProcess(['logout'], { env })
    const after = await runInProcess(['runs'], { env })
    const twice = await runInProcess(['logout'], { env })

    t.equal(result.code, 0, result.stderr)
    t.equal(result.stdout, 'Signed out of profile default.\n')
    t.same(readCredentials(dir).profiles, {})
    t.equal(after.code, 1)
    t.match(after.stderr, /not signed in with profile default; run `trainplane login`/)
    t.equal(twice.stdout, 'Profile default was not signed in.\n')
  })

  t.test('tightens a loose token file', async (t) => {
    const dir = tempConfigDir(t)
    const path = join(dir, 'credentials.json')
    writeFileSync(path, JSON.stringify({ profiles: {} }), { mode: 0o644 })

    const result = await runInProcess(['runs'], { env: cognitoEnv(cognito, dir) })

    t.equal(statSync(path).mode & 0o777, 0o600)
    t.match(result.stderr, /was readable by other users \(mode 644\); changed it to 600/)
  })
})
