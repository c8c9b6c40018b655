/** OpenAPI security requirement of every /v1 route: a Cognito token as a bearer token. */
export const COGNITO_SECURITY = [{ cognito: [] }]

/** OpenAPI security requirement of the reporting routes: the run's RUN_TOKEN as a bearer token. */
export const RUN_TOKEN_SECURITY = [{ runToken: [] }]
