# Sourced by Hookline's scripts. Finds a JDK 21 or newer and exports JAVA_HOME for it.
# Looks at $JAVA_HOME, then the java on PATH, then every JDK under /usr/lib/jvm (newest first).
# Prints what to do and returns 1 when there is none.

hookline_java_major() {
  # The feature version of the java binary given, e.g. 17 or 25; empty if it does not run.
  "$1" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version =/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

hookline_find_java() {
  local min=21 candidate home major
  local -a candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  if [ -d /usr/lib/jvm ]; then
    while IFS= read -r home; do candidates+=("$home"); done < <(ls -d /usr/lib/jvm/*/ 2>/dev/null | sed 's#/$##' | sort -rV)
  fi
  for home in "${candidates[@]}"; do
    candidate="$home/bin/java"
    [ -x "$candidate" ] && [ -x "$home/bin/javac" ] || continue
    major=$(hookline_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge "$min" ]; then
      export JAVA_HOME="$home"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  {
    echo "Hookline needs a JDK $min or newer, and none was found."
    echo "Looked at: \$JAVA_HOME (${JAVA_HOME:-unset}), the java on PATH, and /usr/lib/jvm/*."
    echo "Install one (for example: apt-get install openjdk-21-jdk-headless, or Temurin 21+),"
    echo "or point JAVA_HOME at it."
  } >&2
  return 1
}
