#!/usr/bin/env bash
# End-to-end tests drive Debian's chromium (never a browser downloaded by a test tool),
# with CJK fonts so that screenshots show Chinese, not boxes, and open the workbooks the
# app writes in a real spreadsheet program (LibreOffice Calc, headless). Installs them when
# missing.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/soffice ] \
  && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "End-to-end tests need Debian's chromium, fonts-noto-cjk and libreoffice-calc-nogui:" >&2
  echo "  sudo apt-get install chromium fonts-noto-cjk libreoffice-calc-nogui" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk libreoffice-calc-nogui \
  >/dev/null
