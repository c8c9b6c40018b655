import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type {
  ActivityRepository,
  QueueCatalog,
  ResultsRepository,
  RunRepository,
  TableNames,
  UserRepository,
} from '@trainplane/shared'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CognitoClaims, CognitoVerifier } from './auth/cognito-verifier.js'
import type { Principal } from './auth/principal.js'
import type { ApiConfig } from './config.js'
import type { NodeLogReader } from './logs/node-log-reader.js'
import type { ActivityRecorder } from './plugins/app/activity.js'

/** What the plugins add to the Fastify instance and request, typed once for every route. */
declare module 'fastify' {
  interface FastifyInstance {
    config: ApiConfig
    dynamoDb: { client: DynamoDBClient; document: DynamoDBDocumentClient }
    tables: TableNames
    cloudWatchLogs: CloudWatchLogsClient
    repositories: {
      runs: RunRepository
      users: UserRepository
      activity: ActivityRepository
      results: ResultsRepository
    }
    queueCatalog: QueueCatalog
    verifier: CognitoVerifier
    activity: ActivityRecorder
    nodeLogs: NodeLogReader
    /** onRequest hook: verifies the bearer token and sets `request.principal`. */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
    /** onRequest hook: verifies the run token and sets `request.reportingRunId`. */
    authenticateRunToken: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  }

  interface FastifyRequest {
    /** The verified caller; set by `authenticate` on every /v1 route. */
    principal: Principal
    /** The run a verified run token may report to; null on routes without a run token. */
    reportingRunId: string | null
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: CognitoClaims
    user: CognitoClaims
  }
}
