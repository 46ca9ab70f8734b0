#!/bin/bash
# Pipelined requests in one write (bind + search + bind + search), then a
# half-close: every request is answered, in order, before the server
# closes.  A simple bind ends with a string, the case where decoding in
# place once damaged the next request.
. "$(dirname "$0")/../lib.sh"
srv_start || { fail "server starts"; done_testing; exit 1; }
out=$(python3 - "$PORT" <<'PY'
import socket, sys
port = int(sys.argv[1])
bind = bytes.fromhex("300c020101600702010304008000")          # msgid 1
srch = bytes.fromhex("3025020102632004000a01000a0100020100020100"
                     "010100870b6f626a656374636c6173733000")  # msgid 2
bind3 = bytes.fromhex("300c020103600702010304008000")         # msgid 3
srch4 = bytes.fromhex("3025020104632004000a01000a0100020100020100"
                      "010100870b6f626a656374636c6173733000")
s = socket.create_connection(("127.0.0.1", port))
s.sendall(bind + srch + bind3 + srch4)
s.shutdown(socket.SHUT_WR)
s.settimeout(5)
data = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    data += d
# walk the responses: (msgid, op tag)
out, i = [], 0
while i < len(data):
    assert data[i] == 0x30
    l = data[i + 1]; h = 2
    if l & 0x80:
        n = l & 0x7f; l = int.from_bytes(data[i + 2:i + 2 + n], "big"); h = 2 + n
    msg = data[i + h:i + h + l]
    mid = msg[2]
    out.append("%d:%02x" % (mid, msg[3]))
    i += h + l
print(" ".join(out))
PY
)
check "1:61 2:64 2:65 3:61 4:64 4:65" "$out" "pipelined bind/search/bind/search answered in order after a half-close"
srv_stop; check 0 $? "clean stop"
done_testing
