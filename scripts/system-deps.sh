#!/usr/bin/env bash
# Debian packages the application and its tests need: WeasyPrint's fonts and harfbuzz subsetting,
# Chromium for the browser tests, poppler-utils to look at PDFs. Installed only when missing and run as root.
set -u
wanted=(libharfbuzz-subset0 fonts-dejavu-core chromium poppler-utils)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
  echo "NOTE : paquets Debian manquants (${missing[*]}) ; lancez en root : apt-get install -y ${missing[*]}" >&2
  exit 0
fi
echo "Installation des paquets Debian : ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || echo "NOTE : l'installation de ${missing[*]} a échoué." >&2
