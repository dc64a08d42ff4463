# syntax=docker/dockerfile:1

# Build a static binary: SQLite is pure Go (modernc), so no cgo.
# go1.27.3: the toolchain go.mod names (1.26.8's standard library has
# known vulnerabilities). Both images should also be pinned by digest
# (FROM image:tag@sha256:...); the registry could not be reached where
# this was written, so resolve them with
# `docker buildx imagetools inspect golang:1.27.3-bookworm` and
# `... gcr.io/distroless/static-debian12:nonroot` and add them here.
FROM golang:1.27.3-bookworm AS build
ENV GOTOOLCHAIN=local
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/huifang . \
	&& mkdir -p /out/data

# distroless static: CA certificates, no shell, runs as nonroot (65532).
# Time zones come from the binary (main imports time/tzdata).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/huifang /huifang
# The embedded SQLite database, used when MYSQL_DSN is empty.
COPY --from=build --chown=65532:65532 /out/data /data
VOLUME /data
WORKDIR /data
ENV HUIFANG_LOG_FORMAT=json \
	HUIFANG_SQLITE_PATH=/data/huifang.db
# Only used with TELEGRAM_WEBHOOK_URL (HUIFANG_WEBHOOK_LISTEN); polling needs no port.
EXPOSE 8080
# Only with HUIFANG_METRICS_LISTEN=:9090: /healthz, /readyz, /metrics
# (`huifang healthcheck` asks it, for a HEALTHCHECK without curl).
EXPOSE 9090
USER 65532:65532
ENTRYPOINT ["/huifang"]
CMD ["serve"]
