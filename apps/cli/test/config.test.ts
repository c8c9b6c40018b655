import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { resolveConfigDir } from '../src/config/config-dir.js'
import { writeProfile } from '../src/config/profile.js'
import { resolveSettings } from '../src/config/settings.js'
import { ConfigFileError } from '../src/errors.js'
import { runInProcess, tempConfigDir } from './helpers/cli-harness.js'

const PROFILE = {
  apiUrl: 'https://api.example.com',
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_AbCdEf123',
  clientId: '1example23456789',
}

t.test('config dir resolution', async (t) => {
  t.equal(
    resolveConfigDir({ TRAINPLANE_CONFIG_DIR: '/tmp/tp', XDG_CONFIG_HOME: '/x', HOME: '/h' }),
    '/tmp/tp',
  )
  t.equal(resolveConfigDir({ XDG_CONFIG_HOME: '/x', HOME: '/h' }), '/x/trainplane')
  t.equal(
    resolveConfigDir({ XDG_CONFIG_HOME: 'relative', HOME: '/h' }),
    '/h/.config/trainplane',
    'a relative XDG_CONFIG_HOME is ignored, as the XDG specification says',
  )
  t.equal(resolveConfigDir({ HOME: '/h' }), '/h/.config/trainplane')
})

t.test('writeProfile creates private files', async (t) => {
  const root = tempConfigDir(t)
  const dir = join(root, 'nested', 'trainplane')

  const path = writeProfile(dir, 'local', { ...PROFILE, cognitoEndpoint: 'http://127.0.0.1:9229' })

  t.equal(path, join(dir, 'config.json'))
  t.equal(statSync(dir).mode & 0o777, 0o700)
  t.equal(statSync(path).mode & 0o777, 0o600)
  const stored = JSON.parse(readFileSync(path, 'utf8'))
  t.same(stored, {
    profiles: { local: { ...PROFILE, cognitoEndpoint: 'http://127.0.0.1:9229' } },
  })
})

t.test('writeProfile keeps other profiles', async (t) => {
  const dir = tempConfigDir(t)
  writeProfile(dir, 'prod', PROFILE)

  writeProfile(dir, 'local', { ...PROFILE, apiUrl: 'http://127.0.0.1:3000' })
  writeProfile(dir, 'prod', { ...PROFILE, region: 'us-east-1' })

  const stored = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))
  t.same(Object.keys(stored.profiles).sort(), ['local', 'prod'])
  t.equal(stored.profiles.prod.region, 'us-east-1')
  t.equal(stored.profiles.local.apiUrl, 'http://127.0.0.1:3000')
})

t.test('writeProfile rejects invalid input', async (t) => {
  const dir = tempConfigDir(t)
  writeProfile(dir, 'prod', PROFILE)
  const before = readFileSync(join(dir, 'config.json'), 'utf8')

  const error = t.throws(() =>
    writeProfile(dir, 'prod', { ...PROFILE, apiUrl: 'ftp://x', clientId: 'has space' }),
  ) as ConfigFileError
  t.type(error, ConfigFileError)
  t.same(
    error.problems.map((problem) => problem.field),
    ['/apiUrl', '/clientId'],
  )
  t.throws(() => writeProfile(dir, '../escape', PROFILE), /profile name "..\/escape" is invalid/)
  t.equal(readFileSync(join(dir, 'config.json'), 'utf8'), before, 'the file is unchanged')
})

t.test('writeProfile keeps an unreadable file', async (t) => {
  const dir = tempConfigDir(t)
  writeFileSync(join(dir, 'config.json'), '{ not json')

  t.throws(() => writeProfile(dir, 'local', PROFILE), /is not valid JSON/)
  t.equal(readFileSync(join(dir, 'config.json'), 'utf8'), '{ not json')
})

t.test('settings precedence', async (t) => {
  const dir = tempConfigDir(t)
  writeProfile(dir, 'default', PROFILE)
  const env = {
    TRAINPLANE_CONFIG_DIR: dir,
    TRAINPLANE_REGION: 'us-west-2',
    TRAINPLANE_API_URL: 'https://env.example.com',
  }

  const settings = resolveSettings({ apiUrl: 'https://flag.example.com' }, env)

  t.equal(settings.profileName, 'default')
  t.equal(settings.values.apiUrl, 'https://flag.example.com')
  t.equal(settings.sources.apiUrl, 'flag')
  t.equal(settings.values.region, 'us-west-2')
  t.equal(settings.sources.region, 'environment')
  t.equal(settings.values.clientId, PROFILE.clientId)
  t.equal(settings.sources.clientId, 'profile')
  t.equal(settings.values.cognitoEndpoint, undefined)
})

t.test('settings select a profile by variable', async (t) => {
  const dir = tempConfigDir(t)
  writeProfile(dir, 'staging', { ...PROFILE, apiUrl: 'https://staging.example.com' })

  const settings = resolveSettings(
    {},
    { TRAINPLANE_CONFIG_DIR: dir, TRAINPLANE_PROFILE: 'staging' },
  )

  t.equal(settings.profileName, 'staging')
  t.equal(settings.values.apiUrl, 'https://staging.example.com')
})

t.test('missing named profile', async (t) => {
  const dir = tempConfigDir(t)
  writeProfile(dir, 'prod', PROFILE)

  const result = await runInProcess(['--profile', 'nope', 'runs'], {
    env: { TRAINPLANE_CONFIG_DIR: dir },
  })

  t.equal(result.code, 2)
  t.match(
    result.stderr,
    /error: profile nope not found in .*config\.json; the profiles are prod \(CLI_ERR_CONFIG_INVALID\)/,
  )
})

t.test('invalid profile file lists problems', async (t) => {
  const dir = tempConfigDir(t)
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ profiles: { default: { apiUrl: 'nope', region: 'eu-west-1', extra: 1 } } }),
  )

  const result = await runInProcess(['runs'], { env: { TRAINPLANE_CONFIG_DIR: dir } })

  t.equal(result.code, 2)
  t.match(result.stderr, /is invalid; fix the fields listed below \(CLI_ERR_CONFIG_INVALID\)/)
  t.match(result.stderr, /\/profiles\/default\/userPoolId: is missing/)
  t.match(result.stderr, /\/profiles\/default\/clientId: is missing/)
  t.match(result.stderr, /\/profiles\/default\/apiUrl: must be an absolute URL/)
  t.match(result.stderr, /\/profiles\/default\/extra: is not a profile field/)
})

t.test('missing API URL names every source', async (t) => {
  const dir = tempConfigDir(t)

  const result = await runInProcess(['runs'], { env: { TRAINPLANE_CONFIG_DIR: dir } })

  t.equal(result.code, 2)
  t.match(
    result.stderr,
    /error: apiUrl is not set; pass --api-url, set TRAINPLANE_API_URL, or add it to profile default in .*config\.json \(CLI_ERR_SETTING_MISSING\)/,
  )
})

t.test('invalid flag and variable values', async (t) => {
  const dir = tempConfigDir(t)

  const flag = await runInProcess(['--api-url', 'not a url', 'runs'], {
    env: { TRAINPLANE_CONFIG_DIR: dir },
  })
  const variable = await runInProcess(['runs'], {
    env: { TRAINPLANE_CONFIG_DIR: dir, TRAINPLANE_REGION: 'Not A Region' },
  })

  t.equal(flag.code, 2)
  t.match(flag.stderr, /option --api-url "not a url" is invalid: must be an absolute URL/)
  t.equal(variable.code, 2)
  t.match(variable.stderr, /environment variable TRAINPLANE_REGION="Not A Region" is invalid/)
})

t.test('profile import and show', async (t) => {
  const dir = tempConfigDir(t)
  const env = { TRAINPLANE_CONFIG_DIR: dir }

  const importResult = await runInProcess(['profile', 'import', 'cloud', '-'], {
    env,
    stdin: JSON.stringify(PROFILE),
  })
  const showResult = await runInProcess(
    ['--profile', 'cloud', '--region', 'us-east-2', 'profile', 'show', '--json'],
    {
      env,
    },
  )
  const listResult = await runInProcess(['profile', 'list'], { env })

  t.equal(importResult.code, 0)
  t.match(importResult.stdout, /Saved profile cloud in .*config\.json/)
  t.equal(showResult.code, 0)
  const view = JSON.parse(showResult.stdout)
  t.equal(view.profile, 'cloud')
  t.equal(view.settings.apiUrl, PROFILE.apiUrl)
  t.equal(view.sources.apiUrl, 'profile')
  t.equal(view.settings.region, 'us-east-2')
  t.equal(view.sources.region, 'flag')
  t.equal(view.signedIn, null)
  t.equal(listResult.code, 0)
  t.match(
    listResult.stdout,
    /^NAME\s+API URL\s+REGION\s+USER POOL\s+SIGNED IN\ncloud\s+https:\/\/api\.example\.com\s+eu-west-1\s+eu-west-1_AbCdEf123\s+no\n$/,
  )
})

t.test('profile import rejects an invalid profile', async (t) => {
  const dir = tempConfigDir(t)

  const result = await runInProcess(['profile', 'import', 'cloud', '-'], {
    env: { TRAINPLANE_CONFIG_DIR: dir },
    stdin: JSON.stringify({ apiUrl: 'https://api.example.com' }),
  })

  t.equal(result.code, 2)
  t.match(result.stderr, /profile cloud is invalid/)
  t.match(result.stderr, /\/region: is missing/)
})
