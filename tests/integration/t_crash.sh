#!/bin/bash
# Crash test (issue 2): kill -9 the daemon during a stream of adds, three
# times with different timing.  After each crash the database must open
# cleanly (export, then the server itself), and every add that ldapadd saw
# acknowledged must be there - found by DN, by an indexed attribute and
# in the export - while nothing that was never sent appears.
. "$(dirname "$0")/../lib.sh"

srv_start || { fail "server starts"; done_testing; exit 1; }
ok "server starts"
srv_seed

# gen ROUND STREAM N: an LDIF of N person entries
gen() {
	seq 1 "$3" | awk -v r="$1" -v s="$2" -v base="$BASE" '{
		printf "dn: cn=crash-%s-%s-%s,ou=people,%s\n", r, s, $1, base
		printf "objectClass: person\nobjectClass: top\n"
		printf "cn: crash-%s-%s-%s\nsn: stream %s\n", r, s, $1, s
		printf "description: round %s entry %s padding-padding-padding\n\n",
		    r, $1
	}'
}

# acked FILE: DNs whose add ldapadd reported as done: the record ended
# (ldapadd prints a blank line after each one) without an error line.
# attempted FILE: every DN ldapadd started to add.
acked() {
	awk '
	/^adding new entry "/ {
		dn = $0; sub(/^adding new entry "/, "", dn); sub(/"$/, "", dn)
		err = 0; next
	}
	/^$/ { if (dn != "" && !err) print dn; dn = ""; next }
	{ err = 1 }
	' "$1"
}
attempted() {
	sed -n 's/^adding new entry "\(.*\)"$/\1/p' "$1"
}

total_acked=0
for round in 1 2 3; do
	case $round in
	1) delay=0.4 ;;
	2) delay=1.1 ;;
	3) delay=0.05 ;;
	esac
	# two concurrent streams of adds, like two admin tools at once
	for s in a b; do
		gen "$round" "$s" 4000 > "$T/add-$round-$s.ldif"
		stdbuf -oL ldapadd -c -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" \
		    -f "$T/add-$round-$s.ldif" > "$T/out-$round-$s" 2>&1 &
		eval "lpid_$s=$!"
	done
	sleep "$delay"
	# the adds must be under way (round 3 may be killed very early)
	n=$(grep -c '^adding new entry' "$T/out-$round-a" "$T/out-$round-b" |
	    awk -F: '{s += $2} END {print s}')
	if kill -KILL "$SRV_PID" 2>/dev/null; then
		ok "round $round: the server was running until the kill"
	else
		fail "round $round: the server was running until the kill (IT \
DIED ON ITS OWN during the adds)"
		tail -n 5 "$T/server.log" | sed 's/^/# log: /'
	fi
	wait "$SRV_PID" 2>/dev/null
	SRV_PID=""
	wait "$lpid_a" "$lpid_b" 2>/dev/null
	ok "round $round: killed the server after ${delay}s, $n adds started"

	acked "$T/out-$round-a" > "$T/acked-$round"
	acked "$T/out-$round-b" >> "$T/acked-$round"
	attempted "$T/out-$round-a" > "$T/attempted-$round"
	attempted "$T/out-$round-b" >> "$T/attempted-$round"
	na=$(wc -l < "$T/acked-$round")
	total_acked=$((total_acked + na))

	# the database opens cleanly offline
	"$DIRSRV" -f "$CONF" export > "$T/export-$round.ldif" 2> "$T/export.err"
	check 0 $? "round $round: export reads the crashed database"
	grep -i '^dn: cn=crash-' "$T/export-$round.ldif" | sed 's/^dn: //' |
	    LC_ALL=C sort > "$T/exported-$round"

	# and the server starts on it
	srv_run || { fail "round $round: server restarts after kill -9";
	    sed 's/^/# /' "$T/server.log" | tail -n 20; done_testing; exit 1; }
	ok "round $round: server restarts after kill -9"

	# every acknowledged add is there
	asearch -b "ou=people,$BASE" -s one "(objectClass=person)" 1.1 |
	    sed -n 's/^dn: //p' | grep '^cn=crash-' | LC_ALL=C sort \
	    > "$T/present-$round"
	LC_ALL=C sort "$T/acked-$round" > "$T/acked-sorted"
	missing=$(LC_ALL=C comm -23 "$T/acked-sorted" "$T/present-$round" |
	    grep "crash-$round-" | head -n 5)
	check "" "$missing" "round $round: all $na acknowledged adds are present"
	# nothing that ldapadd never sent, and at most the in-flight adds
	# beyond the acknowledged ones
	LC_ALL=C sort "$T/attempted-$round" > "$T/attempted-sorted"
	extra=$(grep "crash-$round-" "$T/present-$round" |
	    LC_ALL=C comm -23 - "$T/attempted-sorted" | head -n 5)
	check "" "$extra" "round $round: no entry appears that was never sent"
	np=$(grep -c "crash-$round-" "$T/present-$round")
	[ "$np" -ge "$na" ] && [ "$np" -le $((na + 2)) ] &&
	    ok "round $round: $np present for $na acknowledged (+ at most the 2 \
in flight)" ||
	    fail "round $round: $np present for $na acknowledged"
	# earlier rounds survived this crash too
	for r in $(seq 1 $((round - 1))); do
		LC_ALL=C sort "$T/acked-$r" > "$T/acked-sorted"
		missing=$(LC_ALL=C comm -23 "$T/acked-sorted" "$T/present-$round" |
		    head -n 3)
		check "" "$missing" "round $round: acknowledged adds of round $r \
are still present"
	done
	# the export saw the same entries as the server
	check "$(wc -l < "$T/present-$round")" "$(wc -l < "$T/exported-$round")" \
	    "round $round: export and search agree on the entry count"
	# indexes agree with the entries: equality lookups of a sample
	bad=0
	for dn in $(grep "crash-$round-" "$T/acked-$round" | awk 'NR % 97 == 1'); do
		cn=${dn%%,*}
		cn=${cn#cn=}
		got=$(asearch -b "$BASE" "(cn=$cn)" 1.1 | grep -c '^dn:')
		[ "$got" = 1 ] || bad=$((bad + 1))
	done
	check 0 "$bad" "round $round: sampled acknowledged entries are found \
through the cn index"
	sub=$(asearch -b "$BASE" "(cn=crash-$round-*)" 1.1 | grep -c '^dn:')
	check "$np" "$sub" "round $round: a substring search finds every \
present entry of the round"
	# the in-flight entry, if stored, is complete and deletable; a new add
	# works after the crash
	out=$(aadd 2>&1 <<EOF
dn: cn=after-crash-$round,ou=people,$BASE
objectClass: person
cn: after-crash-$round
sn: x
EOF
)
	check_contains "$out" "adding new entry" "round $round: adds work after \
the restart"
	check 0 "$(printf '%s' "$out" | grep -c 'ldap_add')" "round $round: \
without error"
done
[ "$total_acked" -gt 100 ] && ok "$total_acked adds were acknowledged in \
all (the test exercised something)" ||
    fail "only $total_acked adds were acknowledged in all"
srv_stop
check 0 $? "SIGTERM stops the server with status 0"
done_testing
