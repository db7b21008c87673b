# Baton's container image: the `baton` command on a Java 17 runtime.
#
# Build the jar on the host first, then the image:
#
#   mvn -DskipTests install
#   docker build -t baton:local .
#
# cli/target/baton.jar is not a fat jar: its manifest names its libraries under lib/, which
# `mvn install` copies to cli/target/lib, so both are copied side by side into /opt/baton.
FROM eclipse-temurin:17-jre

# A fixed unprivileged user. docker-compose.yml (PgBouncer's routing file is handed to this uid)
# and deploy/kubernetes/deployment.yaml (runAsUser) rely on uid and gid 10001.
RUN groupadd --system --gid 10001 baton \
 && useradd --system --uid 10001 --gid baton --home-dir /var/lib/baton --no-create-home \
      --shell /usr/sbin/nologin baton \
 && mkdir -p /opt/baton /etc/baton /var/lib/baton \
 && chown baton:baton /var/lib/baton

COPY cli/target/lib/ /opt/baton/lib/
COPY cli/target/baton.jar /opt/baton/baton.jar

# The heap follows the container's memory limit instead of the JVM's default quarter of it.
ENV JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=70"

USER 10001:10001
# The work directory of `baton run --work-dir`: Debezium's offsets and Kafka Streams' state.
# Mount a volume here so that they survive a restart of the container.
WORKDIR /var/lib/baton

# Prometheus metrics (/metrics), the control API (/api/...) and the health endpoints.
EXPOSE 9464

ENTRYPOINT ["java", "-jar", "/opt/baton/baton.jar"]
CMD ["--help"]
