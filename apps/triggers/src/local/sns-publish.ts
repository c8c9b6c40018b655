import { TOPIC_ARN_PATTERN } from '../config.js'
import { SnsRequestError } from '../errors.js'

/** One message attribute of a Publish request. */
export interface RecordedAttribute {
  dataType: string
  stringValue?: string
  /** Base64, as the query protocol carries it. */
  binaryValue?: string
}

/** A Publish request as the SNS recorder stores it. */
export interface PublishRequest {
  topicArn: string
  subject?: string
  message: string
  messageAttributes: Record<string, RecordedAttribute>
}

/** Version of the SNS API the AWS SDKs send in every query request. */
export const SNS_API_VERSION = '2010-03-31'

/**
 * Limits of Publish (Amazon SNS API reference, Publish). A message is at most 262,144 bytes of
 * UTF-8 and has at most 10 attributes. A subject is less than 100 characters long, without line
 * breaks or control characters.
 */
const MAX_MESSAGE_BYTES = 262_144
const MAX_SUBJECT_LENGTH = 99
const MAX_ATTRIBUTES = 10
const CONTROL_CHARACTERS = /\p{Cc}/u

function invalid(parameter: string, message: string): SnsRequestError {
  return new SnsRequestError(400, 'InvalidParameter', `Invalid parameter: ${parameter}: ${message}`)
}

function parseAttributes(form: URLSearchParams): Record<string, RecordedAttribute> {
  const attributes: Record<string, RecordedAttribute> = {}
  for (let index = 1; form.has(`MessageAttributes.entry.${index}.Name`); index++) {
    const prefix = `MessageAttributes.entry.${index}`
    const name = form.get(`${prefix}.Name`) ?? ''
    const dataType = form.get(`${prefix}.Value.DataType`)
    const stringValue = form.get(`${prefix}.Value.StringValue`)
    const binaryValue = form.get(`${prefix}.Value.BinaryValue`)

    if (name === '' || Object.hasOwn(attributes, name)) {
      throw invalid(`${prefix}.Name`, 'attribute names must be present and unique')
    }
    if (!dataType) {
      throw invalid(`${prefix}.Value.DataType`, `attribute ${name} has no data type`)
    }
    if (stringValue === null && binaryValue === null) {
      throw invalid(`${prefix}.Value`, `attribute ${name} has neither a string nor a binary value`)
    }
    attributes[name] = {
      dataType,
      ...(stringValue !== null && { stringValue }),
      ...(binaryValue !== null && { binaryValue }),
    }
  }

  if (Object.keys(attributes).length > MAX_ATTRIBUTES) {
    throw invalid('MessageAttributes', `at most ${MAX_ATTRIBUTES} attributes are allowed`)
  }
  return attributes
}

/**
 * Reads and checks an SNS query protocol Publish request (form-encoded `Action=Publish`,
 * `TopicArn`, `Subject`, `Message`, `MessageAttributes.entry.N.*`).
 *
 * @throws SnsRequestError with the SNS error code for an unsupported action or invalid parameter
 */
export function parsePublishRequest(form: URLSearchParams): PublishRequest {
  const action = form.get('Action')
  if (action !== 'Publish') {
    throw new SnsRequestError(
      400,
      'InvalidAction',
      `the action ${JSON.stringify(action ?? '')} is not supported; the SNS recorder records Publish only`,
    )
  }
  const version = form.get('Version')
  if (version !== SNS_API_VERSION) {
    throw invalid('Version', `expected ${SNS_API_VERSION}, as the AWS SDKs send`)
  }

  const topicArn = form.get('TopicArn')
  if (!topicArn) {
    const target = form.has('TargetArn')
      ? 'TargetArn'
      : form.has('PhoneNumber')
        ? 'PhoneNumber'
        : ''
    throw invalid(
      'TopicArn',
      target ? `${target} is not supported; publish to a topic` : 'the topic ARN is missing',
    )
  }
  if (!TOPIC_ARN_PATTERN.test(topicArn)) {
    throw invalid('TopicArn', `${JSON.stringify(topicArn)} is not an SNS topic ARN`)
  }

  const message = form.get('Message')
  if (message === null || message === '') {
    throw invalid('Message', 'the message is missing or empty')
  }
  if (Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_BYTES) {
    throw invalid('Message', `the message is larger than ${MAX_MESSAGE_BYTES} bytes`)
  }

  const subject = form.get('Subject')
  if (subject !== null) {
    if (subject === '' || subject.length > MAX_SUBJECT_LENGTH) {
      throw invalid('Subject', `the subject must be 1 to ${MAX_SUBJECT_LENGTH} characters`)
    }
    if (CONTROL_CHARACTERS.test(subject)) {
      throw invalid('Subject', 'the subject must not contain line breaks or control characters')
    }
  }

  return {
    topicArn,
    message,
    ...(subject !== null && { subject }),
    messageAttributes: parseAttributes(form),
  }
}

function escapeXml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')
}

const XML_NAMESPACE = `http://sns.amazonaws.com/doc/${SNS_API_VERSION}/`

/** Builds the query protocol's Publish response, from which the SDK reads `MessageId`. */
export function publishResponseXml(messageId: string, requestId: string): string {
  return [
    `<PublishResponse xmlns="${XML_NAMESPACE}">`,
    `<PublishResult><MessageId>${escapeXml(messageId)}</MessageId></PublishResult>`,
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>`,
    '</PublishResponse>',
  ].join('')
}

/** Builds the query protocol's error response; the SDK throws an exception named by its `Code`. */
export function errorResponseXml(error: SnsRequestError, requestId: string): string {
  const type = error.statusCode < 500 ? 'Sender' : 'Receiver'
  return [
    `<ErrorResponse xmlns="${XML_NAMESPACE}">`,
    `<Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code>`,
    `<Message>${escapeXml(error.message)}</Message></Error>`,
    `<RequestId>${escapeXml(requestId)}</RequestId>`,
    '</ErrorResponse>',
  ].join('')
}
