/** OpenAPI security requirement of every /v1 route: a Cognito token as a bearer token. */
export const COGNITO_SECURITY = [{ cognito: [] }]
