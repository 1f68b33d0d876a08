# nvmegate container image: one image for every role (see compose.yaml).
#   docker build -t nvmegate .
#   docker run --rm -p 4420:4420 -p 8009:8009 -p 9420:9420 -v nvmegate-data:/data nvmegate \
#       all --data /data --bind 0.0.0.0 --advertise <address hosts use to reach this container>
# The role is the command: all | gateway | worker | discovery (followed by its options). Every
# option can also be set by an environment variable (NVMEGATE_MEMBERS, NVMEGATE_CLUSTER_HOST,
# NVMEGATE_ADVERTISE, ...; `docker run --rm nvmegate --help` lists them).

# ---- build: the shaded launcher jar (tests run in CI, not here) ----
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
# every module (.dockerignore keeps target/ and .git out)
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -pl launcher -am package \
 && cp launcher/target/nvmegate.jar /nvmegate.jar

# ---- runtime ----
FROM eclipse-temurin:17-jre
# curl: the health check (GET /health/ready)
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 nvmegate \
 && useradd --system --uid 10001 --gid nvmegate --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin nvmegate \
 && mkdir -p /data /opt/nvmegate /etc/nvmegate \
 && chown nvmegate:nvmegate /data \
 && chmod 1777 /tmp
COPY --from=build /nvmegate.jar /opt/nvmegate/nvmegate.jar
# Hazelcast must not phone home. RocksDB unpacks its native library into java.io.tmpdir:
# /tmp must stay writable AND executable (no noexec tmpfs over it). RocksDB's block cache
# and memtables live outside the Java heap, hence the modest heap share. Extra JVM options:
# JAVA_TOOL_OPTIONS (read by the JVM itself), e.g. -Dnvmegate.tcpEventLoops=4 on a many-core host;
# Netty's native epoll transport is used when it loads (README "Performance", JVM flags).
ENV HZ_PHONE_HOME_ENABLED=false \
    NVMEGATE_DATA=/data \
    NVMEGATE_METRICS_PORT=9420
USER nvmegate:nvmegate
WORKDIR /data
VOLUME ["/data"]
# NVMe/TCP I/O, discovery, /metrics + /health/*, Hazelcast
EXPOSE 4420 8009 9420 5701
HEALTHCHECK --interval=10s --timeout=3s --start-period=90s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${NVMEGATE_METRICS_PORT}/health/ready" || exit 1
# The jar's manifest carries the Add-Opens/Add-Exports Hazelcast needs.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError", \
            "-Djava.io.tmpdir=/tmp", "-Dhazelcast.phone.home.enabled=false", \
            "-jar", "/opt/nvmegate/nvmegate.jar"]
CMD ["all", "--bind", "0.0.0.0"]
