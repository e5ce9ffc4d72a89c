# Sourced by ./crld, ./test, ./bench and .ci/run: exports JAVA_HOME for a JDK >= 21.
# Order: $JAVA_HOME, Temurin 25 (this machine's), then every JDK under /usr/lib/jvm, newest first.
java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n 1
}

select_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    candidate="${candidate%/}"
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major="$(java_major "$candidate")"
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "crld4j needs a JDK >= 21 (with javac); none found in \$JAVA_HOME or /usr/lib/jvm." >&2
  echo "Install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}

require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "crld4j builds with Maven, which is not installed: apt-get install -y maven" >&2
    return 1
  fi
}
