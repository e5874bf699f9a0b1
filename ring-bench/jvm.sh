# Sourced by compare.sh, replay.sh and http-load.sh: the java to run, its flags, and the build of
# ring-bench/target/benchmarks.jar. Expects $root, the repository root.

# The JDK of $JAVA_HOME when it is set, else java on the PATH.
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# On JDK 24+ JMH 1.37 calls sun.misc.Unsafe.objectFieldOffset in the JVM that runs its runner, which prints a
# deprecation warning unless Unsafe memory access is allowed. Benchmark forks get the same flag (with Netty's
# and ringalloc's Unsafe switched off: see Compare.forkFlags).
feature=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
java_flags=""
if [ "${feature:-0}" -ge 24 ]; then
  java_flags="--sun-misc-unsafe-memory-access=allow"
fi

jar="$root/ring-bench/target/benchmarks.jar"

# build_jar [clean]: builds ring-core, ring-netty and ring-bench quietly, printing Maven's log only on failure.
# MVN_ARGS (e.g. -Pnetty41) is passed on.
build_jar() {
  echo "Building ring-core, ring-netty and ring-bench ..." >&2
  if ! build_log=$(mvn -B -q ${MVN_ARGS:-} -f "$root/pom.xml" "$@" package -DskipTests -pl ring-bench -am 2>&1); then
    echo "$build_log" >&2
    exit 1
  fi
}
