# syntax=docker/dockerfile:1
#
# huzhud (Huzhu 互助) in a container. Operator notes: docs/operations.md, "Docker and compose".
#
#   docker build -t huzhu/huzhud .
#
# One container, embedded PostgreSQL (the default), data in a named volume:
#
#   docker run -d --name huzhud -v huzhu-data:/var/lib/huzhu -p 127.0.0.1:7700:7700 \
#     -e HUZHU_ADMIN_PASSWORD='choose-a-long-one' huzhu/huzhud
#
# With a separate PostgreSQL container instead: compose.yaml.

ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---------------------------------------------------------------------------------------------------
# Build stage
# ---------------------------------------------------------------------------------------------------
FROM ${SWIFT_IMAGE} AS build
WORKDIR /build

# libedit-dev: huzhuctl's line editing and history (the CLibEdit system library target).
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends libedit-dev \
    && rm -rf /var/lib/apt/lists/*

# Resolve dependencies on their own layer, so it stays cached while only the sources change.
# Package.resolved is optional (.gitignore lists it today); when present, its versions are used exactly.
COPY Package.* ./
RUN swift package resolve $([ -f Package.resolved ] && echo --force-resolved-versions || true)

COPY . .

# --static-swift-stdlib links the Swift runtime (stdlib, Foundation, Dispatch) into the binaries, so the
# runtime stage needs no /usr/lib/swift/linux/*.so, only glibc and libstdc++.
#
# Nothing else has to be copied: the migrations under sql/ are compiled into the binary
# (`.embedInCode` in Package.swift, read through the generated PackageResources, not Bundle.module),
# and no target or dependency has resources on Linux, so the build makes no *.resources folder.
#
# huzhuctl is built too; it links libedit dynamically (libedit2 in the runtime stage).
RUN swift build -c release --static-swift-stdlib --product huzhud \
    && swift build -c release --static-swift-stdlib --product huzhuctl \
    && bin="$(swift build -c release --static-swift-stdlib --show-bin-path)" \
    && mkdir -p /staging \
    && cp "$bin/huzhud" "$bin/huzhuctl" /staging/ \
    # Swift's crash reporter, so a crash prints a symbolicated backtrace to the log.
    && cp /usr/libexec/swift/linux/swift-backtrace-static /staging/swift-backtrace

# ---------------------------------------------------------------------------------------------------
# Runtime stage
# ---------------------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE}

# A fixed uid/gid, so that a bind-mounted data folder can be prepared with `chown 10001:10001`.
ARG HUZHU_UID=10001

# - postgresql: initdb, pg_ctl and postgres for the embedded cluster (found under
#   /usr/lib/postgresql/<version>/bin), and pg_dump/pg_restore for backups. Debian's package would also
#   create and configure a "main" cluster nobody uses here; createcluster.conf turns that off first.
# - netcat-openbsd: the health check (PING on the console port).
# - tini: PID 1. It passes SIGTERM to huzhud only, and reaps the postmaster that pg_ctl leaves behind
#   when it exits (the postmaster is re-parented to PID 1).
# - ca-certificates: sslmode=verify-full to an external PostgreSQL. tzdata: time zone names.
# - libedit2: huzhuctl's line editing (`docker exec -it huzhud huzhuctl`).
RUN export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends postgresql-common \
    && sed -ri 's/^#?\s*(create_main_cluster)\s*=.*$/\1 = false/' /etc/postgresql-common/createcluster.conf \
    && apt-get -q install -y --no-install-recommends \
        postgresql \
        netcat-openbsd \
        tini \
        ca-certificates \
        tzdata \
        libstdc++6 \
        libedit2 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid "${HUZHU_UID}" huzhu \
    && useradd --system --uid "${HUZHU_UID}" --gid huzhu --home-dir /var/lib/huzhu --no-create-home \
        --shell /usr/sbin/nologin huzhu \
    && install -d -o huzhu -g huzhu -m 0700 /var/lib/huzhu

COPY --from=build /staging/huzhud /staging/huzhuctl /usr/local/bin/
COPY --from=build /staging/swift-backtrace /usr/local/libexec/huzhu/swift-backtrace

# HUZHU_DATA_DIR is set here as well as on the command line below, so that one-off commands
# (`docker exec huzhud huzhud user add ...`) find the same data folder as the daemon.
ENV HUZHU_DATA_DIR=/var/lib/huzhu \
    SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/usr/local/libexec/huzhu/swift-backtrace

# The embedded cluster runs as this user too: PostgreSQL refuses to run as root, and huzhud only
# switches to the `postgres` user when it is itself root.
USER huzhu:huzhu
WORKDIR /var/lib/huzhu
VOLUME ["/var/lib/huzhu"]

# 7700: the admin console (TCP line protocol). 7701: HTTP for health, metrics and gateways (planned;
# nothing listens there yet).
EXPOSE 7700 7701

# The console answers PING before login (GET /readyz on 7701 is the fuller check, but needs an HTTP client).
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD printf 'PING\n' | nc -N -w 2 127.0.0.1 7700 | grep -q PONG

STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]

# 0.0.0.0 inside the container is needed for Docker's port publishing to reach the console; publish
# the ports on the host's loopback only (-p 127.0.0.1:7700:7700), as compose.yaml does.
CMD ["huzhud", "run", "--data-dir", "/var/lib/huzhu", "--console", "0.0.0.0:7700", "--http", "0.0.0.0:7701"]
