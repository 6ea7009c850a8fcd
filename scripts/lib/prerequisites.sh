# Sourced by the project's scripts: installs what a fresh machine lacks, saying what and why.

# ensure_packages PACKAGE... : apt-get installs the packages that are not installed yet.
ensure_packages() {
  local missing=()
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing ${missing[*]} (apt-get; needs root)..." >&2
  if [ ! -f /var/lib/apt/periodic/update-success-stamp ] && [ -z "${APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    export APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# require_root COMMAND : the real tests mount filesystems and enter namespaces.
require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "$1 needs root: it mounts lxcfs and enters mount namespaces." >&2
    exit 2
  fi
}

# ensure_class_archive LXCFS_DIR [RUNTIME [FLAG...]] : one unmeasured status, then one unmeasured
# repair, with RUNTIME (default proc) and the FLAGs, which write the class-data archive
# (scripts/lxcfs-remount) with the classes both commands need with that runtime, so that the runs a
# benchmark times all map it and none makes it. The archive (where scripts/lxcfs-remount looks for
# it: LXCFS_REMOUNT_CDS_ARCHIVE, else next to the jar) left by an earlier command is removed
# first: it holds only the classes of that command's runtime (one made by `--runtime proc` lacks
# Docker's, which made a Docker repair 0.2 s slower). The repair holds the classes of the repairs
# themselves only where it has dead mounts to mend: right after an lxcfs restart.
ensure_class_archive() {
  local dir=$1 runtime=${2:-proc} jar=${LXCFS_REMOUNT_JAR:-launcher/target/lxcfs-remount.jar} archive
  shift $(($# < 2 ? $# : 2))
  archive=${LXCFS_REMOUNT_CDS_ARCHIVE:-${jar%.jar}.jsa}
  rm -f "$archive" "$archive.classes"
  scripts/lxcfs-remount status --runtime "$runtime" --lxcfs-dir "$dir" "$@" >/dev/null 2>&1 || true
  scripts/lxcfs-remount repair --runtime "$runtime" --lxcfs-dir "$dir" "$@" >/dev/null 2>&1 || true
}

# ensure_build : builds launcher/target/lxcfs-remount.jar unless it is newer than every source (what
# target/ folders hold, test reports say, is no source).
ensure_build() {
  local jar=launcher/target/lxcfs-remount.jar
  if [ ! -f "$jar" ] || [ -n "$(find . \( -path ./.git -o -name target \) -prune -o \( -name '*.java' -o -name pom.xml -o -name '*.proto' -o -name '*.xml' \) -newer "$jar" -print -quit)" ]; then
    echo "Building $jar (mvn package)..." >&2
    mvn -B -q -DskipTests package >&2
  fi
}
