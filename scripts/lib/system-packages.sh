# Sourced by scripts/test and scripts/check-fresh-clone: installs the system packages the tests
# need if they are missing, as root or with sudo: libaio1 (libaio.so.1, for the MySQL test servers),
# prometheus (its promtool tests the chart's alert rules; the server itself is not started) and
# percona-toolkit (the benchmark's case (k) runs its pt-online-schema-change beside Umbra).
missing=()
if ! ldconfig -p | grep -q 'libaio\.so\.1 '; then
  missing+=(libaio1)
fi
if ! command -v promtool > /dev/null; then
  missing+=(prometheus)
fi
if ! command -v pt-online-schema-change > /dev/null; then
  missing+=(percona-toolkit)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]}: the MySQL test servers need libaio.so.1, the alert rule tests promtool, the benchmark's"\
    "comparison with pt-online-schema-change percona-toolkit"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
