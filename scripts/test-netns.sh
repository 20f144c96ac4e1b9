#!/usr/bin/env bash
# Runs 2-rank data-parallel pretraining with each rank in its own network namespace, joined only by a
# veth pair (10.77.0.1 <-> 10.77.0.2): Open MPI launches the second rank's daemon through
# scripts/netns-agent.sh (as it would through ssh on another machine) and the ranks talk over TCP on
# the veth link, as across hosts. Then checks that the weights equal one process's with the whole
# batch. Needs root (ip netns), openmpi-bin and a built .build/release/electra; says why and exits 0
# (skipped) when one is missing, unless ELECTRA_NETNS_REQUIRED=1.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$electra_root"
binary="$electra_root/.build/release/electra"
skip() {
    echo "test-netns: skipped: $1" >&2
    [ "${ELECTRA_NETNS_REQUIRED:-0}" = "1" ] && exit 1
    exit 0
}
[ "$(id -u)" -eq 0 ] || skip "needs root for ip netns"
command -v mpirun >/dev/null || skip "needs mpirun (apt-get install openmpi-bin)"
[ -x "$binary" ] || skip "needs $binary (scripts/build.sh)"
ip netns add electra-probe 2>/dev/null || skip "this machine does not allow network namespaces"
ip netns del electra-probe

work=""
cleanup() {
    ip netns del electra-a 2>/dev/null || true   # deleting a namespace deletes its end of the veth pair
    ip netns del electra-b 2>/dev/null || true
    [ -n "$work" ] && rm -rf "$work"
    return 0
}
trap cleanup EXIT
cleanup   # namespaces left by an interrupted run
work="$(mktemp -d)"
ip netns add electra-a
ip netns add electra-b
ip link add electra-va type veth peer name electra-vb
ip link set electra-va netns electra-a
ip link set electra-vb netns electra-b
ip -n electra-a addr add 10.77.0.1/24 dev electra-va
ip -n electra-b addr add 10.77.0.2/24 dev electra-vb
for ns in electra-a electra-b; do
    ip -n "$ns" link set lo up
    ip -n "$ns" link set "electra-v${ns#electra-}" up
done
ip -n electra-a link show electra-va | grep -q "state UP\|LOWER_UP" || { echo "test-netns: the veth pair did not come up" >&2; exit 1; }

head -c 60000 data/text/pride-and-prejudice-pg1342.txt > "$work/excerpt.txt"
"$binary" prepare "$work/excerpt.txt" --format paragraphs --max-seq-length 64 --shards 2 --output "$work/shards" >/dev/null
config="$electra_root/Tests/Fixtures/model/discriminator/config.json"
common=(pretrain --data "$work/shards" --max-seq-length 64 --steps 4 --log-every 1 --config "$config" --check-replicas-every 1)

"$binary" "${common[@]}" --output "$work/one" --batch-size 4 >/dev/null
printf '10.77.0.1 slots=1\n10.77.0.2 slots=1\n' > "$work/hosts"
# The ranks see one another only through the veth pair: TCP on 10.77.0.0/24, no shared memory.
launch=(timeout 300 ip netns exec electra-a mpirun --allow-run-as-root -np 2 --hostfile "$work/hosts"
        --mca plm_rsh_agent "$electra_root/scripts/netns-agent.sh"
        --mca oob_tcp_if_include 10.77.0.0/24 --mca btl_tcp_if_include 10.77.0.0/24 --mca btl tcp,self
        -x ELECTRA_NUM_THREADS=1 -x OPENBLAS_CORETYPE)
# Each rank is in its own namespace: one sees only 10.77.0.1, the other only 10.77.0.2.
addresses="$("${launch[@]}" /bin/sh -c 'ip -o -4 addr show | grep -o "10\.77\.0\.[0-9]*"' | sort | tr '\n' ' ')"
[ "$addresses" = "10.77.0.1 10.77.0.2 " ] || { echo "test-netns: the ranks' addresses are '$addresses'" >&2; exit 1; }
echo "test-netns: rank addresses $addresses(one namespace each)"
"${launch[@]}" "$binary" "${common[@]}" --output "$work/two" --batch-size 2 | tail -2

python3 - "$work/one" "$work/two" <<'PY'
import json, struct, sys
def tensors(run):
    path = f"{run}/checkpoints/ckpt-000004/model.safetensors"
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__": continue
        a, b = info["data_offsets"]
        raw = data[8 + n + a:8 + n + b]
        out[name] = struct.unpack(f"<{len(raw) // 4}f", raw)
    return out
one, two = tensors(sys.argv[1]), tensors(sys.argv[2])
worst = max(max(abs(x - y) for x, y in zip(one[k], two[k])) for k in one)
scale = max(max(abs(x) for x in one[k]) for k in one)
print(f"test-netns: 2 ranks in 2 network namespaces vs 1 process: max |dw| {worst:.3g} of {scale:.3g}")
sys.exit(0 if worst <= 1e-5 * scale else 1)
PY
echo "test-netns: passed"
