export * from './dynamodb-local.js'
export * from './free-port.js'
export * from './cognito-local.js'
