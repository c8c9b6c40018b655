import { Type } from 'typebox'

export const ProfileSchema = Type.Object({
  userId: Type.String({ description: 'Cognito sub.' }),
  username: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  groups: Type.Array(Type.String(), { description: 'Cognito groups of the current token.' }),
  isAdmin: Type.Boolean(),
  shareIdentifier: Type.String({ description: 'Fair-share identifier used for new runs.' }),
  createdAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.Optional(Type.String({ format: 'date-time' })),
})
