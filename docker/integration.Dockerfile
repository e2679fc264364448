# syntax=docker/dockerfile:1
# pelita/integration: the performance binary (pelita-integration) on Debian 12, non-root (uid 10001).
# Build from the repository root:
#   docker build -f docker/integration.Dockerfile -t pelita/integration:0.1.0 .
# Base images are pinned to a Debian 12 point release; bump DEBIAN_TAG on purpose.
ARG DEBIAN_TAG=12.11

FROM debian:${DEBIAN_TAG} AS build
ENV DEBIAN_FRONTEND=noninteractive
# The same package list as development and CI (scripts/packages.txt);
# RUNLEVEL=1 keeps redis-server from starting during the install.
COPY scripts/packages.txt /tmp/packages.txt
RUN apt-get update \
 && grep -vE '^[[:space:]]*(#|$)' /tmp/packages.txt | grep -vx chromium \
    | RUNLEVEL=1 xargs apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY protos protos
COPY lib lib
COPY services services
COPY gateway gateway
COPY tools tools
COPY docker/runtime-packages.sh docker/runtime-packages.sh
RUN cmake -S /src -B /build -DCMAKE_BUILD_TYPE=Release \
 && cmake --build /build -j"$(nproc)" --target pelita-integration \
 && mkdir -p /out \
 && install -m 0755 "$(find /build -type f -name pelita-integration -perm -u+x | head -n 1)" /out/pelita-integration \
 && strip /out/pelita-integration \
 && sh docker/runtime-packages.sh /out/pelita-integration > /out/runtime-packages.txt

FROM debian:${DEBIAN_TAG}-slim
ENV DEBIAN_FRONTEND=noninteractive
COPY --from=build /out/runtime-packages.txt /tmp/runtime-packages.txt
RUN apt-get update \
 && xargs apt-get install -y --no-install-recommends tzdata ca-certificates < /tmp/runtime-packages.txt \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt \
 && groupadd --system --gid 10001 pelita \
 && useradd --system --uid 10001 --gid 10001 --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin pelita
COPY --from=build /out/pelita-integration /usr/local/bin/pelita-integration
USER 10001:10001
EXPOSE 50060
# SIGTERM starts the drain (PELITA_DRAIN_SECONDS, default 10 s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/pelita-integration"]
