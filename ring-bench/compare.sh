#!/usr/bin/env sh
# The main job: build the benchmarks and run the allocator comparison.
#
#   ring-bench/compare.sh            short comparison (a few minutes on two cores)
#   ring-bench/compare.sh --full     the whole matrix (about two hours)
#   ring-bench/compare.sh --help     every option (--only REGEX, --forks N, --jvm JAVA_HOME, --out DIR, ...)
#   MVN_ARGS=-Pnetty41 ring-bench/compare.sh    the same against Netty 4.1 (latest 4.1.x)
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 ring-bench/compare.sh    build and run on JDK 25
#
# Prints the tables and the targets, and writes results/<timestamp>/compare.{md,png,csv}
# under the repository root. Needs a JDK 17+ (JAVA_HOME, else java on the PATH) and Maven on the PATH.
set -eu
cd "$(dirname "$0")/.."
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
echo "Building ring-core, ring-netty and ring-bench ..."
if ! build_log=$(mvn -B -q ${MVN_ARGS:-} clean package -DskipTests -pl ring-bench -am 2>&1); then
  echo "$build_log"
  exit 1
fi
# On JDK 24+ JMH 1.37 calls sun.misc.Unsafe.objectFieldOffset in this JVM too (it runs JMH's runner), which
# prints a deprecation warning unless Unsafe memory access is allowed. The benchmark forks get the same flag
# (with Netty's and ringalloc's Unsafe switched off: see Compare.forkFlags).
feature=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
if [ "${feature:-0}" -ge 24 ]; then
  exec "$java" --sun-misc-unsafe-memory-access=allow -jar ring-bench/target/benchmarks.jar "$@"
fi
exec "$java" -jar ring-bench/target/benchmarks.jar "$@"
