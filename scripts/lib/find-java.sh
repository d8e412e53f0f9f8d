# Sourced by Hookline's scripts. Finds a JDK 21 or newer and exports JAVA_HOME for it (and sets
# HOOKLINE_JAVA_MAJOR, not exported, to its feature version, e.g. 25).
# Looks at $JAVA_HOME, then the java on PATH, then macOS's /usr/libexec/java_home, then every
# JDK under $HOOKLINE_JVM_DIR (default /usr/lib/jvm), newest first.
# Prints what to do and returns 1 when there is none.
#
# KEEP IN SYNC with hookline_find_java in distribution/src/main/dist/bin/hookline: the launcher
# cannot source this file, so it embeds the same search. The one intended difference: the
# launcher only needs bin/java (a JRE is enough to run), this one needs bin/javac too (to build).

hookline_java_major() {
  # The feature version of the java binary given, e.g. 17 or 25; empty if it does not run.
  "$1" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version =/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

hookline_find_java() {
  local min=21 candidate home major jvm_dir="${HOOKLINE_JVM_DIR:-/usr/lib/jvm}"
  local -a candidates=() rejected=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  if [ -x /usr/libexec/java_home ] && home=$(/usr/libexec/java_home -v "$min+" 2>/dev/null); then
    candidates+=("$home")
  fi
  if [ -d "$jvm_dir" ]; then
    while IFS= read -r home; do candidates+=("$home"); done < <(ls -d "$jvm_dir"/*/ 2>/dev/null | sed 's#/$##' | sort -rV)
  fi
  local seen=" " real
  # (The ${a[@]+...} form keeps bash 3.2, macOS's, quiet about empty arrays under set -u.)
  for home in ${candidates[@]+"${candidates[@]}"}; do
    candidate="$home/bin/java"
    [ -x "$candidate" ] || continue
    real=$(readlink -f "$home" 2>/dev/null || echo "$home")
    case "$seen" in *" $real "*) continue ;; esac
    seen="$seen$real "
    if [ ! -x "$home/bin/javac" ]; then
      rejected+=("$home (no javac: a runtime, not a JDK)")
      continue
    fi
    major=$(hookline_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge "$min" ]; then
      export JAVA_HOME="$home"
      HOOKLINE_JAVA_MAJOR="$major"   # not exported: for the caller's own choices
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
    rejected+=("$home (Java ${major:-?})")
  done
  {
    echo "Hookline needs a JDK $min or newer, and none was found."
    echo "Looked at: \$JAVA_HOME (${JAVA_HOME:-unset}), the java on PATH, and $jvm_dir/*."
    if [ "${#rejected[@]}" -gt 0 ]; then
      echo "Not usable:"
      printf '  %s\n' "${rejected[@]}"
    fi
    echo "Install one (for example: apt-get install openjdk-21-jdk-headless, or Temurin 21+),"
    echo "or point JAVA_HOME at it."
  } >&2
  return 1
}

hookline_maven_opts() {
  # Call after hookline_find_java. Maven 3.8's bundled Guava uses sun.misc.Unsafe, which JDK 23+
  # warns about on every run ("terminally deprecated"); allow it quietly there, and only there:
  # older JDKs refuse to start with an option they do not know.
  local major
  major=$(hookline_java_major "$JAVA_HOME/bin/java")
  if [ -n "$major" ] && [ "$major" -ge 23 ]; then
    case " ${MAVEN_OPTS:-} " in
      *" --sun-misc-unsafe-memory-access="*) ;;
      *) export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow" ;;
    esac
  fi
}
