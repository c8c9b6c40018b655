# syntax=docker/dockerfile:1
#
# batch-local for compose.yaml: the local AWS Batch emulator, which runs every node of a job as a
# process inside this container, with the CPU runtime of the example runs. That runtime is
# Debian's PyTorch and scikit-learn (which ships the UCI digits data), the trainer entrypoint and
# examples/, at their repository paths under the working directory, as `npm start` runs them
# from the repository root. The build context is the repository root, filtered by its
# .dockerignore:
#
#   docker build -f docker/batch-local.Dockerfile -t trainplane-batch-local .

# Node.js 22 is the LTS line the images and Lambdas target. The tag pins the major version and
# follows its patch releases. Its Debian release (bookworm) provides python3-torch.
ARG NODE_IMAGE=node:22-bookworm-slim

# Installs every dependency, dev ones included, and compiles batch-local.
FROM ${NODE_IMAGE} AS build
WORKDIR /opt/trainplane
COPY . .
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --ignore-scripts --no-audit --no-fund
RUN npm run build --workspace=@trainplane/batch-local

# Installs the production dependencies of batch-local alone, from its manifest and the lockfile.
FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /opt/trainplane
COPY package.json package-lock.json ./
COPY packages/batch-local/package.json packages/batch-local/
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
      --workspace=@trainplane/batch-local --include-workspace-root=false

FROM ${NODE_IMAGE} AS runtime
ARG NODE_IMAGE
ARG VERSION=0.0.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="trainplane-batch-local" \
      org.opencontainers.image.description="batch-local with the CPU PyTorch runtime of trainplane's example runs" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"

# The trainer entrypoint needs bash, timeout and hostname. tini runs as PID 1, so the processes
# of the job nodes are reaped when they exit and stop signals reach batch-local.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
      hostname python3 python3-sklearn python3-torch tini \
    && rm -rf /var/lib/apt/lists/*

# The job nodes run as this user in /opt/trainplane, and the example writes its checkpoints
# under checkpoints/ there. A new compose volume takes the owner of its mount point from the
# image, so both data folders are made here.
RUN groupadd --gid 10001 trainplane \
    && useradd --uid 10001 --gid 10001 --create-home --shell /usr/sbin/nologin trainplane \
    && install -d -o 10001 -g 10001 /var/lib/batch-local /opt/trainplane/checkpoints

# The installed tree keeps its workspace link (node_modules/@trainplane/batch-local points at
# packages/batch-local), so the dist goes back to its place in the repository layout.
WORKDIR /opt/trainplane
COPY --from=production-dependencies /opt/trainplane ./
COPY --from=build /opt/trainplane/packages/batch-local/dist packages/batch-local/dist
COPY docker/healthcheck.mjs docker/healthcheck.mjs
COPY --chmod=0755 docker/trainer/entrypoint.sh docker/trainer/entrypoint.sh
COPY examples/reporter/trainplane_reporter.py examples/reporter/
COPY examples/ddp-digits/train.py examples/ddp-digits/run_inputs.py \
     examples/ddp-digits/ddp_training.py examples/ddp-digits/

USER 10001:10001
EXPOSE 9100

# Once batch-local serves, it returns 200 to any valid Batch API request, and DescribeJobQueues
# changes nothing.
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 \
  CMD ["node", "/opt/trainplane/docker/healthcheck.mjs", "http://127.0.0.1:9100/v1/describejobqueues", "POST"]

# Exec form under tini: SIGTERM reaches batch-local, which stops the running nodes and ends
# their jobs FAILED with a host-terminated reason, as Batch does on an instance loss.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/opt/trainplane/packages/batch-local/dist/cli.js"]
CMD ["--host", "0.0.0.0", "--port", "9100", "--state-dir", "/var/lib/batch-local"]
