# syntax=docker/dockerfile:1
#
# The worker image that ECS runs: Node.js 22, the compiled worker and @trainplane/shared, and
# the production dependencies of the worker, installed from package-lock.json. The build
# context is the repository root, filtered by its .dockerignore:
#
#   docker build -f docker/worker.Dockerfile -t trainplane-worker .
#
# docs/docker.md describes the images, their stages and how to run them.

# Node.js 22 is the LTS line the images and Lambdas target. The tag pins the major version and
# follows its patch releases.
ARG NODE_IMAGE=node:22-bookworm-slim

# Installs every dependency, dev ones included, and compiles the worker and the packages it
# imports, dependencies first.
FROM ${NODE_IMAGE} AS build
WORKDIR /opt/trainplane
COPY . .
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --ignore-scripts --no-audit --no-fund
RUN npm run build --workspace=@trainplane/shared \
    && npm run build --workspace=@trainplane/worker

# Installs the production dependencies of the worker alone. npm keeps a workspace that another
# workspace lists as a dev dependency (@trainplane/batch-local, say) even with --omit=dev, and
# then installs that workspace's dependencies too. So this stage sees only the manifests of the
# worker and of the workspaces it imports at run time.
FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /opt/trainplane
COPY package.json package-lock.json ./
COPY apps/worker/package.json apps/worker/
COPY packages/shared/package.json packages/shared/
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
      --workspace=@trainplane/worker --include-workspace-root=false

FROM ${NODE_IMAGE} AS runtime
ARG NODE_IMAGE
ARG VERSION=0.0.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="trainplane-worker" \
      org.opencontainers.image.description="trainplane worker: submits runs to AWS Batch and follows them" \
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
COPY --from=build /opt/trainplane/apps/worker/dist apps/worker/dist

USER 10001:10001

# The worker serves no HTTP, so the image has no HEALTHCHECK. ECS replaces a task whose
# process exits. In exec form node is PID 1 and receives SIGTERM itself, on which the worker
# finishes its current step.
CMD ["node", "apps/worker/dist/main.js"]
