# The Umbra operator image (see docs/install.md):
#
#   docker build -t umbra-operator:0.1.0 .
#
# Stage 1 builds the runnable operator jar with Maven, exactly as on a workstation
# (mvn -pl operator -am package -DskipTests makes operator/target/umbra-operator.jar).
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY testkit ./testkit
COPY engine ./engine
COPY operator ./operator
COPY crds ./crds
RUN mvn -B -ntp -pl operator -am package -DskipTests

# Stage 2: a JRE and the jar, nothing else. Runs as a numeric non-root user, so that
# runAsNonRoot can be checked, and needs nothing writable but /tmp (the chart mounts an
# emptyDir there and makes the root filesystem read-only).
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/operator/target/umbra-operator.jar /app/umbra-operator.jar
USER 10001:10001
ENV HOME=/tmp
# /healthz, /readyz and /metrics
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/umbra-operator.jar"]
