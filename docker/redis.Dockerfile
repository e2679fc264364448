# syntax=docker/dockerfile:1
# pelita/redis: Debian 12's redis-server and redis-cli (7.0, the version the
# tests run against), non-root (uid 10001).  Configuration comes from a
# ConfigMap mounted at /etc/redis; data (AOF, nodes.conf) on a PVC at /data.
#   docker build -f docker/redis.Dockerfile -t pelita/redis:0.1.0 docker
ARG DEBIAN_TAG=12.11

FROM debian:${DEBIAN_TAG}-slim
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && RUNLEVEL=1 apt-get install -y --no-install-recommends redis-server redis-tools \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 pelita \
 && useradd --system --uid 10001 --gid 10001 --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin pelita \
 && mkdir -p /data && chown 10001:10001 /data
VOLUME /data
WORKDIR /data
USER 10001:10001
EXPOSE 6379 16379
ENTRYPOINT []
CMD ["redis-server", "--dir", "/data", "--appendonly", "yes"]
