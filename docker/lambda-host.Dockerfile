# syntax=docker/dockerfile:1
#
# The local Lambda host of compose.yaml: the batch-events and post-confirmation handlers behind
# the Lambda Invoke API, and the SNS recorder, from apps/triggers. On AWS these handlers run on
# Lambda from the bundles Terraform deploys, so this image is for the local stack only. The
# build context is the repository root, filtered by its .dockerignore:
#
#   docker build -f docker/lambda-host.Dockerfile -t trainplane-lambda-host .

# Node.js 22 is the LTS line the images and Lambdas target. The tag pins the major version and
# follows its patch releases.
ARG NODE_IMAGE=node:22-bookworm-slim

# Installs every dependency, dev ones included, and compiles the triggers and the packages they
# import, dependencies first.
FROM ${NODE_IMAGE} AS build
WORKDIR /opt/trainplane
COPY . .
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --ignore-scripts --no-audit --no-fund
RUN npm run build --workspace=@trainplane/shared \
    && npm run build --workspace=@trainplane/triggers

# Installs the production dependencies of the triggers alone. npm keeps a workspace that another
# workspace lists as a dev dependency (@trainplane/testkit, say) even with --omit=dev, and then
# installs that workspace's dependencies too. So this stage sees only the manifests of the
# triggers and of the workspaces they import at run time.
FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /opt/trainplane
COPY package.json package-lock.json ./
COPY apps/triggers/package.json apps/triggers/
COPY packages/shared/package.json packages/shared/
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
      --workspace=@trainplane/triggers --include-workspace-root=false

FROM ${NODE_IMAGE} AS runtime
ARG NODE_IMAGE
ARG VERSION=0.0.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="trainplane-lambda-host" \
      org.opencontainers.image.description="trainplane's local Lambda host and SNS recorder, for the compose stack" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"

RUN groupadd --gid 10001 trainplane \
    && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin trainplane

# The installed tree keeps its workspace links (node_modules/@trainplane/shared points at
# packages/shared), so each package's dist goes back to its place in the repository layout.
WORKDIR /opt/trainplane
COPY --from=production-dependencies /opt/trainplane ./
COPY --from=build /opt/trainplane/packages/shared/dist packages/shared/dist
COPY --from=build /opt/trainplane/apps/triggers/dist apps/triggers/dist
COPY docker/healthcheck.mjs docker/healthcheck.mjs

USER 10001:10001
EXPOSE 9001 9002

# The Lambda host answers GET /health on the port of the default command.
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 \
  CMD ["node", "/opt/trainplane/docker/healthcheck.mjs", "http://127.0.0.1:9001/health"]

# Exec form: node is PID 1 and receives SIGTERM itself, on which the host stops serving and
# waits for running invocations. Without SNS_ENDPOINT it starts the SNS recorder on --sns-port.
ENTRYPOINT ["node", "/opt/trainplane/apps/triggers/dist/local/cli.js"]
CMD ["--host", "0.0.0.0", "--port", "9001", "--sns-port", "9002"]
