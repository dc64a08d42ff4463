# Sourced (not run) by the mysql image's entrypoint once, when it creates
# the database (docker-compose.yml mounts this folder at
# /docker-entrypoint-initdb.d). MYSQL_USER is the owner, who migrates;
# this adds the application's account, which gets its table privileges
# from `huifang migrate --grant huifang` (only SELECT and INSERT on the
# audit tables), and lets the owner grant them.
docker_process_sql --database=mysql <<EOSQL
CREATE USER IF NOT EXISTS 'huifang'@'%' IDENTIFIED BY '${MYSQL_APP_PASSWORD}';
GRANT ALL PRIVILEGES ON \`${MYSQL_DATABASE}\`.* TO '${MYSQL_USER}'@'%' WITH GRANT OPTION;
EOSQL
