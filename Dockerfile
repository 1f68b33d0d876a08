# nvmegate container image (minimal; see compose.yaml).
#   docker build -t nvmegate .
#   docker run --rm -p 4420:4420 -p 8009:8009 -v nvmegate-data:/data nvmegate \
#       all --data /data --bind 0.0.0.0 --advertise <address hosts use to reach this container>
# The role is the command: all | gateway | worker | discovery (followed by its options).

# ---- build: the shaded launcher jar (tests run in CI, not here) ----
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY protocol protocol
COPY common common
COPY client client
COPY block-worker block-worker
COPY gateway gateway
COPY discovery-service discovery-service
COPY launcher launcher
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests clean package \
 && cp launcher/target/nvmegate.jar /nvmegate.jar

# ---- runtime ----
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 nvmegate \
 && useradd --system --uid 10001 --gid nvmegate --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin nvmegate \
 && mkdir -p /data /opt/nvmegate \
 && chown nvmegate:nvmegate /data \
 && chmod 1777 /tmp
COPY --from=build /nvmegate.jar /opt/nvmegate/nvmegate.jar
# Hazelcast must not phone home. RocksDB unpacks its native library into java.io.tmpdir:
# /tmp must stay writable AND executable (no noexec tmpfs over it). RocksDB's block cache
# and memtables live outside the Java heap, hence the modest heap share. Extra JVM options:
# JAVA_TOOL_OPTIONS (read by the JVM itself).
ENV HZ_PHONE_HOME_ENABLED=false
USER nvmegate:nvmegate
WORKDIR /data
VOLUME ["/data"]
EXPOSE 4420 8009
# The jar's manifest carries the Add-Opens/Add-Exports Hazelcast needs.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError", \
            "-Djava.io.tmpdir=/tmp", "-Dhazelcast.phone.home.enabled=false", \
            "-jar", "/opt/nvmegate/nvmegate.jar"]
CMD ["all", "--data", "/data", "--bind", "0.0.0.0"]
