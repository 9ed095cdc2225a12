#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The fax switch in the lab (issue 19): an audio call that a re-INVITE turns into T.38, over DTLS toward
# the UE and udptl toward the core, then back to audio; from the UE's ATA (scenarios/t38-fax-switch.json)
# and from the core (t38-fax-switch-core.json). Both pass, and the H.248 ims-alg sent is exactly TS
# 23.334 §6.2.10.4's for a T.38 line, step by step (transaction ids, ports and fingerprints aside, which
# the scenarios' own expectations check): nothing while the call is audio; with the UE's re-offer, the
# core termination reserved (Add, UDP) and the access one reserved and configured (Add, UDP/DTLS, the
# gateway's fingerprint asked for, the UE's as Remote, tlsbsc/up and fail watched), with the answer the
# core's Remote and tlsbsc/est in one transaction; with the core's, the access termination reserved
# (UDP/DTLS, actpass) and the core's reserved and configured, with the UE's answer its Remote (the UE
# active: the gateway the DTLS server); back to audio, both subtracted with the answer (make before
# break), none at the BYE. The UDP terminations report nt's statistics, not TCP's.
. "$top_srcdir/tests/integration/lib.sh"
LAB="$top_builddir/lab/ims-lab"
S="$top_srcdir/scenarios"

out=$(COLUMNS=200 "$LAB" --color=never --quiet -o "$WORK/out" "$S/t38-fax-switch.json" \
	"$S/t38-fax-switch-core.json" 2>&1); status=$?
expect_eq "the fax switch passes, from the UE and from the core" "$status" 0
[ "$status" = 0 ] || printf '%s\n' "$out"
# every transaction ims-alg sent inside a call's context, in order, each preceded by the SIP message
# ims-alg received last (what it acts on)
h248_sent() { # SCENARIO
	python3 - "$WORK/out/$1/alg.jsonl" <<'EOF'
import json, re, sys
last = None
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["kind"] == "sip.rx":
        last = e["summary"]
    elif e["kind"] == "h248.tx" and "Transaction = " in e["raw"] and "Context = -" not in e["raw"]:
        text = e["raw"].split("\n", 1)[1]
        text = re.sub(r"Transaction = \d+", "Transaction = T", text)
        text = re.sub(r"m=image \d+", "m=image PORT", text)
        text = re.sub(r"sha-256 [0-9A-F:]{95}", "sha-256 FP", text)
        print(f"-- after {last}\n{text}", end="")
EOF
}
d=$WORK/out/t38-fax-switch
sent=$(h248_sent t38-fax-switch)
want=$(cat <<'EOF'
-- after INVITE 127.0.0.1
Transaction = T {
  Context = $ {
    Add = $ {
      Media {
        Stream = 1 {
          LocalControl {
            Mode = SendReceive,
            ipdc/realm = core
          },
          Local {
v=0
c=IN IP4 $
m=image $ UDP t38
}
        }
      }
    }
  }
}
-- after INVITE 127.0.0.1
Transaction = T {
  Context = 1 {
    Add = $ {
      Media {
        Stream = 1 {
          LocalControl {
            Mode = SendReceive,
            ipdc/realm = access
          },
          Local {
v=0
c=IN IP4 $
m=image $ UDP/DTLS t38
a=setup:active
a=fingerprint:$
},
          Remote {
v=0
c=IN IP4 127.0.0.1
m=image PORT UDP/DTLS t38
a=setup:actpass
a=fingerprint:sha-256 FP
}
        }
      },
      Events = 1 {
        tlsbsc/up,
        tlsbsc/fail
      }
    }
  }
}
-- after 200 OK
Transaction = T {
  Context = 1 {
    Modify = co/1 {
      Media {
        Stream = 1 {
          Remote {
v=0
c=IN IP4 127.0.0.1
m=image PORT UDP t38
}
        }
      }
    },
    Modify = ac/2 {
      Signals {
        tlsbsc/est
      }
    }
  }
}
-- after 200 OK
Transaction = T {
  Context = 1 {
    Subtract = ac/2,
    Subtract = co/1
  }
}
EOF
)
expect_eq "from the UE: none for audio, T.38's reserve, configure and establish, the subtraction" \
	"$sent" "$want"
want=$(cat <<'EOF'
-- after INVITE 127.0.0.1
Transaction = T {
  Context = $ {
    Add = $ {
      Media {
        Stream = 1 {
          LocalControl {
            Mode = SendReceive,
            ipdc/realm = access
          },
          Local {
v=0
c=IN IP4 $
m=image $ UDP/DTLS t38
a=setup:actpass
a=fingerprint:$
}
        }
      },
      Events = 1 {
        tlsbsc/up,
        tlsbsc/fail
      }
    }
  }
}
-- after INVITE 127.0.0.1
Transaction = T {
  Context = 1 {
    Add = $ {
      Media {
        Stream = 1 {
          LocalControl {
            Mode = SendReceive,
            ipdc/realm = core
          },
          Local {
v=0
c=IN IP4 $
m=image $ UDP t38
},
          Remote {
v=0
c=IN IP4 127.0.0.1
m=image PORT UDP t38
}
        }
      }
    }
  }
}
-- after 200 OK
Transaction = T {
  Context = 1 {
    Modify = ac/1 {
      Media {
        Stream = 1 {
          Remote {
v=0
c=IN IP4 127.0.0.1
m=image PORT UDP/DTLS t38
a=setup:active
a=fingerprint:sha-256 FP
}
        }
      }
    }
  }
}
-- after 200 OK
Transaction = T {
  Context = 1 {
    Subtract = ac/1,
    Subtract = co/2
  }
}
EOF
)
expect_eq "from the core: none for audio, T.38's reserve toward the UE, reserve and configure toward the core, configure with the answer, the subtraction" \
	"$(h248_sent t38-fax-switch-core)" "$want"
# the Subtract's reply: each UDP termination's statistics are the network package's (nt, H.248.1
# E.11: octets and duration); tcptv (H.248.84, TCP traffic volume) is not a UDP termination's
stats=$(python3 - "$d/alg.jsonl" <<'EOF'
import json, re, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["kind"] == "h248.rx" and "Subtract = " in e["raw"] and "Statistics" in e["raw"]:
        for term, body in re.findall(r"Subtract = (\S+) \{\s*Statistics \{([^}]*)\}", e["raw"]):
            print(term, " ".join(re.findall(r"([a-z]+/[a-z]+) =", body)))
EOF
)
expect_eq "the Subtract's statistics of the UDP terminations: nt's, no tcptv" "$stats" \
	"ac/2 nt/os nt/or nt/dur
co/1 nt/os nt/or nt/dur"
# the re-offers in the SIP: A's second and third INVITE in the dialog of its first (same Call-ID, CSeq
# rising), each SDP a new version of A's session (RFC 3264 §8)
sdp=$(python3 - "$d/alg.jsonl" <<'EOF'
import json, re, sys
calls, origins = set(), []
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["kind"] == "sip.rx" and e["raw"].startswith("INVITE ") and "alice" in e["raw"].split("\r\n\r\n")[0].split("From:")[1].split("\r\n")[0]:
        calls.add(re.search(r"\r\nCall-ID: (\S+)", e["raw"]).group(1))
        origins.append(re.search(r"\r\no=(.*)\r\n", e["raw"]).group(1))
print(len(calls), " | ".join(o.replace("127.0.0.1", "A") for o in origins))
EOF
)
expect_eq "the re-offers: one dialog, A's o= version rising" "$sdp" \
	"1 alice 1 1 IN IP4 A | alice 1 2 IN IP4 A | alice 1 3 IN IP4 A"
finish
