/**
 * The table the IAM check maps AWS SDK commands through: which IAM actions each command needs,
 * and on which kind of resource. Add a row when an app starts sending a new command; the check
 * reports commands it cannot find here.
 *
 * Sources: the Service Authorization Reference pages of DynamoDB, AWS Batch, SNS and CloudWatch
 * Logs, and the DynamoDB developer guide ("Using IAM with DynamoDB transactions").
 */

/** IAM actions of one SDK command. `transaction` means: the actions of the items inside it. */
export type CommandActions = readonly string[] | 'transaction'

/** Commands by `<package>:<command class>`. */
export const COMMAND_ACTIONS: Readonly<Record<string, CommandActions>> = {
  // The document client's commands are the low-level operations with marshalling.
  '@aws-sdk/lib-dynamodb:GetCommand': ['dynamodb:GetItem'],
  '@aws-sdk/lib-dynamodb:PutCommand': ['dynamodb:PutItem'],
  '@aws-sdk/lib-dynamodb:UpdateCommand': ['dynamodb:UpdateItem'],
  '@aws-sdk/lib-dynamodb:DeleteCommand': ['dynamodb:DeleteItem'],
  '@aws-sdk/lib-dynamodb:QueryCommand': ['dynamodb:Query'],
  '@aws-sdk/lib-dynamodb:ScanCommand': ['dynamodb:Scan'],
  '@aws-sdk/lib-dynamodb:BatchGetCommand': ['dynamodb:BatchGetItem'],
  '@aws-sdk/lib-dynamodb:BatchWriteCommand': ['dynamodb:BatchWriteItem'],
  '@aws-sdk/lib-dynamodb:TransactWriteCommand': 'transaction',
  '@aws-sdk/lib-dynamodb:TransactGetCommand': 'transaction',
  '@aws-sdk/client-dynamodb:GetItemCommand': ['dynamodb:GetItem'],
  '@aws-sdk/client-dynamodb:PutItemCommand': ['dynamodb:PutItem'],
  '@aws-sdk/client-dynamodb:UpdateItemCommand': ['dynamodb:UpdateItem'],
  '@aws-sdk/client-dynamodb:DeleteItemCommand': ['dynamodb:DeleteItem'],
  '@aws-sdk/client-dynamodb:QueryCommand': ['dynamodb:Query'],
  '@aws-sdk/client-dynamodb:ScanCommand': ['dynamodb:Scan'],
  '@aws-sdk/client-dynamodb:BatchGetItemCommand': ['dynamodb:BatchGetItem'],
  '@aws-sdk/client-dynamodb:BatchWriteItemCommand': ['dynamodb:BatchWriteItem'],
  '@aws-sdk/client-dynamodb:TransactWriteItemsCommand': 'transaction',
  '@aws-sdk/client-dynamodb:TransactGetItemsCommand': 'transaction',
  '@aws-sdk/client-dynamodb:CreateTableCommand': ['dynamodb:CreateTable'],
  '@aws-sdk/client-dynamodb:DescribeTableCommand': ['dynamodb:DescribeTable'],
  '@aws-sdk/client-dynamodb:UpdateTimeToLiveCommand': ['dynamodb:UpdateTimeToLive'],

  // The worker tags every job it submits (the run id among the tags), and tagging a resource
  // at creation also needs batch:TagResource.
  '@aws-sdk/client-batch:SubmitJobCommand': ['batch:SubmitJob', 'batch:TagResource'],
  '@aws-sdk/client-batch:DescribeJobsCommand': ['batch:DescribeJobs'],
  '@aws-sdk/client-batch:ListJobsCommand': ['batch:ListJobs'],
  '@aws-sdk/client-batch:CancelJobCommand': ['batch:CancelJob'],
  '@aws-sdk/client-batch:TerminateJobCommand': ['batch:TerminateJob'],
  '@aws-sdk/client-batch:DescribeJobDefinitionsCommand': ['batch:DescribeJobDefinitions'],
  '@aws-sdk/client-batch:DescribeJobQueuesCommand': ['batch:DescribeJobQueues'],

  '@aws-sdk/client-sns:PublishCommand': ['sns:Publish'],

  '@aws-sdk/client-cloudwatch-logs:GetLogEventsCommand': ['logs:GetLogEvents'],
  '@aws-sdk/client-cloudwatch-logs:FilterLogEventsCommand': ['logs:FilterLogEvents'],
  '@aws-sdk/client-cloudwatch-logs:DescribeLogStreamsCommand': ['logs:DescribeLogStreams'],
}

/** The action of each item type inside a DynamoDB transaction. */
export const TRANSACTION_ITEM_ACTIONS: Readonly<Record<string, string>> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Get: 'dynamodb:GetItem',
}

/**
 * Actions that support no resource-level permissions, so a policy must grant them on "*"
 * (Batch user guide, "Supported resource-level permissions for AWS Batch API actions": an
 * action not listed there needs "*"). Only these may appear on a "*" resource.
 */
export const NO_RESOURCE_LEVEL_ACTIONS: ReadonlySet<string> = new Set([
  'batch:DescribeJobs',
  'batch:ListJobs',
  'batch:DescribeJobDefinitions',
  'batch:DescribeJobQueues',
])

/**
 * Resource kinds an action needs, given the table the command used (for DynamoDB). The kinds
 * are names the policy reader gives to resource expressions (see resource-kinds.ts).
 */
export function resourceKindsFor(
  action: string,
  table: string | undefined,
  tableHasIndexes: boolean,
): string[] {
  if (NO_RESOURCE_LEVEL_ACTIONS.has(action)) return ['*']

  const [service] = action.split(':')
  if (service === 'dynamodb') {
    const base = `dynamodb:table/${table ?? '?'}`
    // NOTE: a Query may read the table or one of its indexes, and the check cannot tell which
    // from the source, so Query needs both on a table that has indexes.
    return action === 'dynamodb:Query' && tableHasIndexes ? [base, `${base}/index`] : [base]
  }

  switch (action) {
    case 'batch:SubmitJob':
      return ['batch:job-queue', 'batch:job-definition']
    case 'batch:TagResource':
    case 'batch:CancelJob':
    case 'batch:TerminateJob':
      return ['batch:job']
    case 'sns:Publish':
      return ['sns:topic']
    case 'logs:GetLogEvents':
    case 'logs:FilterLogEvents':
    case 'logs:DescribeLogStreams':
      return ['logs:batch-jobs']
  }
  return [`?:${action}`]
}
