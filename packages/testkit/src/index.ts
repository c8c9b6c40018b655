export * from './cognito-local.js'
export * from './dynamodb-local.js'
export * from './free-port.js'
