# Sourced by scripts/test and scripts/check-fresh-clone: installs the one system package the MySQL
# test servers need (libaio.so.1) if it is missing, as root or with sudo.
if ! ldconfig -p | grep -q 'libaio\.so\.1 '; then
  echo "Installing libaio1: the MySQL test servers need libaio.so.1"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends libaio1
fi
