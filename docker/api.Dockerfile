# syntax=docker/dockerfile:1
#
# The API image that ECS runs: Node.js 22, the compiled API and @trainplane/shared, and the
# production dependencies of the API, installed from package-lock.json. The build context is
# the repository root, filtered by its .dockerignore:
#
#   docker build -f docker/api.Dockerfile -t trainplane-api .
#
# docs/docker.md describes the images, their stages and how to run them.

# Node.js 22 is the LTS line the images and Lambdas target. The tag pins the major version and
# follows its patch releases.
ARG NODE_IMAGE=node:22-bookworm-slim

# Installs every dependency, dev ones included, and compiles the API and the packages it
# imports, dependencies first.
FROM ${NODE_IMAGE} AS build
WORKDIR /opt/trainplane
COPY . .
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --ignore-scripts --no-audit --no-fund
RUN npm run build --workspace=@trainplane/shared \
    && npm run build --workspace=@trainplane/api

# Installs the production dependencies of the API alone. npm keeps a workspace that another
# workspace lists as a dev dependency (@trainplane/testkit, say) even with --omit=dev, and then
# installs that workspace's dependencies too. So this stage sees only the manifests of the API
# and of the workspaces it imports at run time.
FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /opt/trainplane
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY packages/shared/package.json packages/shared/
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
      --workspace=@trainplane/api --include-workspace-root=false

FROM ${NODE_IMAGE} AS runtime
ARG NODE_IMAGE
ARG VERSION=0.0.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="trainplane-api" \
      org.opencontainers.image.description="trainplane REST API (Fastify) for ECS" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"

# /etc/trainplane is where the queue catalog is mounted, on ECS and in compose.yaml. A new
# compose volume takes the owner of its mount point from the image.
RUN groupadd --gid 10001 trainplane \
    && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin trainplane \
    && install -d -o 10001 -g 10001 /etc/trainplane

# The installed tree keeps its workspace links (node_modules/@trainplane/shared points at
# packages/shared), so each package's dist goes back to its place in the repository layout.
WORKDIR /opt/trainplane
COPY --from=production-dependencies /opt/trainplane ./
COPY --from=build /opt/trainplane/packages/shared/dist packages/shared/dist
COPY --from=build /opt/trainplane/apps/api/dist apps/api/dist
COPY docker/healthcheck.mjs docker/healthcheck.mjs

# A server in a container must listen on every interface to be reachable. ECS and compose set
# both variables again.
ENV HOST=0.0.0.0 \
    PORT=3000
USER 10001:10001
EXPOSE 3000

# /healthz tells that the process serves requests. /readyz also needs DynamoDB and the Cognito
# keys, and would mark the container unhealthy whenever one of them is briefly unreachable.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "/opt/trainplane/docker/healthcheck.mjs", "/healthz"]

# In exec form node is PID 1 and receives SIGTERM itself, on which the API drains its requests.
CMD ["node", "apps/api/dist/server.js"]
