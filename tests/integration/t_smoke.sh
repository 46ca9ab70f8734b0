#!/bin/bash
# Smoke test: the daemon starts, answers the root DSE, adds and finds.
. "$(dirname "$0")/../lib.sh"
srv_start || { fail "server starts"; done_testing; exit 1; }
ok "server starts"
out=$(lsearch -b "" -s base +)
check_contains "$out" "namingContexts: $BASE" "root DSE names the suffix"
srv_seed
out=$(asearch -b "$BASE" -s sub "(ou=people)" dn)
check_contains "$out" "dn: ou=people,$BASE" "seeded entries are found"
srv_stop; check 0 $? "SIGTERM stops the server with status 0"
done_testing
