#!/bin/sh
# Writes the secrets docker-compose.yml requires into .env beside it, each
# made of random bytes, unless .env already sets it: run it once before
# the first `docker compose up`. The file is readable by its owner only.
# Keep a copy of HUIFANG_STATE_KEY: every replica needs the same one.
set -eu
cd "$(dirname "$0")/.."
umask 077
touch .env
chmod 600 .env
add() {
	if ! grep -q "^$1=" .env; then
		printf '%s=%s\n' "$1" "$2" >>.env
		echo "added $1 to .env"
	fi
}
# Letters and digits only: the passwords go into DSNs and URLs.
password() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }
add MYSQL_OWNER_PASSWORD "$(password)"
add MYSQL_APP_PASSWORD "$(password)"
add REDIS_PASSWORD "$(password)"
add HUIFANG_STATE_KEY "$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
