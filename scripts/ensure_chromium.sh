#!/usr/bin/env bash
# End-to-end tests drive Debian's chromium (never a browser downloaded by a test tool),
# with CJK fonts so that screenshots show Chinese, not boxes, and open the workbooks the
# app writes in a real spreadsheet program (LibreOffice Calc, headless). chromium-l10n gives
# the browser's own controls (file and date inputs) in Chinese, as users see them; the
# emoji font draws the few symbols the pages use. Installs them when missing.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/soffice ] \
  && [ -d /usr/lib/chromium/locales ] && ls /usr/lib/chromium/locales/zh-CN.pak >/dev/null 2>&1 \
  && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "End-to-end tests need Debian's chromium, chromium-l10n, fonts-noto-cjk and libreoffice-calc-nogui:" >&2
  echo "  sudo apt-get install chromium chromium-l10n fonts-noto-cjk libreoffice-calc-nogui" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium chromium-l10n fonts-noto-cjk \
  libreoffice-calc-nogui \
  >/dev/null
