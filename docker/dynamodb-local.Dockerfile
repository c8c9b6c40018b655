# syntax=docker/dockerfile:1
#
# DynamoDB Local for compose.yaml: AWS's amazon/dynamodb-local image with a data folder the
# image's user owns, a health check, and a command that keeps the tables in that folder. The
# build context is the repository root, filtered by its .dockerignore:
#
#   docker build -f docker/dynamodb-local.Dockerfile -t trainplane-dynamodb-local .

# The tag pins DynamoDB Local's version.
ARG DYNAMODB_LOCAL_IMAGE=amazon/dynamodb-local:3.3.1

FROM ${DYNAMODB_LOCAL_IMAGE} AS runtime
ARG DYNAMODB_LOCAL_IMAGE
LABEL org.opencontainers.image.title="trainplane-dynamodb-local" \
      org.opencontainers.image.description="DynamoDB Local with a data folder, for trainplane's compose stack" \
      org.opencontainers.image.base.name="${DYNAMODB_LOCAL_IMAGE}"

# The base image runs as dynamodblocal in /home/dynamodblocal. A compose volume mounted on a
# folder the image lacks belongs to root, and DynamoDB Local then fails to open its database
# file, so the folder is made here by that user.
USER dynamodblocal
WORKDIR /home/dynamodblocal
RUN mkdir -p data

# NOTE: AWS does not document which tools the base image ships. This check needs only bash: it
# opens a TCP connection with bash's /dev/tcp, and DynamoDB Local listens once it serves requests.
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8000"]

# The base image's ENTRYPOINT is java. -sharedDb keeps one database for every access key and
# region, so the init job and the apps see the same tables.
CMD ["-jar", "DynamoDBLocal.jar", "-sharedDb", "-dbPath", "/home/dynamodblocal/data", "-disableTelemetry"]
