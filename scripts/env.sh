# Sourced by the other scripts: installs what the build needs and sets what the BLAS needs.
#
#  - Debian packages: libopenblas-dev (BLAS), required; libdnnl-dev (oneDNN, for --precision bf16)
#    and openmpi-bin (Open MPI, for `mpirun -np N electra pretrain|finetune squad` and the multi-rank
#    tests), optional. Installed with apt-get when running as root; otherwise the script names them
#    and stops for a missing required one (a missing optional one only means bf16 runs in fp32, or
#    that electra runs as one process and the multi-rank tests skip).
#  - OPENBLAS_CORETYPE: Debian's OpenBLAS 0.3.21 does not recognise recent processors and may fall
#    back to slow kernels. On a processor with AVX-512 it is set to SkylakeX unless it already names
#    an AVX-512 kernel family. Set ELECTRA_KEEP_OPENBLAS_CORETYPE=1 to leave it alone.
#  - ELECTRA_SWIFT_FLAGS: compiles the Swift code for this processor's vector width (AVX-512 or
#    AVX2); the default `swift build` targets baseline SSE2. Set ELECTRA_PORTABLE=1 for a baseline
#    build that runs on any x86-64 machine.

electra_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

electra_cpu_has() {
    [ -r /proc/cpuinfo ] && grep -m1 '^flags' /proc/cpuinfo | grep -qw "$1"
}

electra_install_packages() {
    [ "$(uname -s)" = "Linux" ] || return 0
    command -v dpkg-query >/dev/null 2>&1 || return 0
    electra_install_optional libdnnl-dev "--precision bf16 will run in fp32"
    electra_install_optional openmpi-bin "electra runs as one process only and the multi-rank tests skip"
    local missing=()
    for package in libopenblas-dev libbz2-dev; do   # required: BLAS, and bzip2 for Wikipedia dumps
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        echo "electra: installing ${missing[*]} with apt-get" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null || {
            echo "electra: apt-get could not install ${missing[*]}" >&2
            return 1
        }
    else
        echo "electra: missing Debian packages: ${missing[*]}" >&2
        echo "electra: install them with: sudo apt-get install ${missing[*]}" >&2
        return 1
    fi
}

# Installs an optional package when running as root; says what is missing otherwise and goes on.
electra_install_optional() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" && return 0
    if [ "$(id -u)" -eq 0 ]; then
        echo "electra: installing $1 with apt-get (optional)" >&2
        export DEBIAN_FRONTEND=noninteractive
        { apt-get update -qq && apt-get install -y -qq "$1" >/dev/null; } && return 0
    fi
    echo "electra: optional package $1 is not installed (sudo apt-get install $1); $2" >&2
    return 0
}

electra_set_blas_kernels() {
    [ "${ELECTRA_KEEP_OPENBLAS_CORETYPE:-0}" = "1" ] && return 0
    electra_cpu_has avx512f || return 0
    case "$(echo "${OPENBLAS_CORETYPE:-}" | tr '[:upper:]' '[:lower:]')" in
        skylakex|cooperlake|sapphirerapids) return 0 ;;
    esac
    if [ -n "${OPENBLAS_CORETYPE:-}" ]; then
        echo "electra: OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE leaves AVX-512 unused; using SkylakeX" \
             "(set ELECTRA_KEEP_OPENBLAS_CORETYPE=1 to keep yours)" >&2
    fi
    export OPENBLAS_CORETYPE=SkylakeX
}

electra_set_swift_flags() {
    ELECTRA_SWIFT_FLAGS=()
    [ "${ELECTRA_PORTABLE:-0}" = "1" ] && return 0
    [ "$(uname -m)" = "x86_64" ] || return 0
    if electra_cpu_has avx512f && electra_cpu_has avx512bw && electra_cpu_has avx512vl && electra_cpu_has avx512dq; then
        ELECTRA_SWIFT_FLAGS=(-Xswiftc -target-cpu -Xswiftc skylake-avx512 -Xswiftc -DELECTRA_TARGET_AVX512)
    elif electra_cpu_has avx2 && electra_cpu_has fma; then
        ELECTRA_SWIFT_FLAGS=(-Xswiftc -target-cpu -Xswiftc haswell -Xswiftc -DELECTRA_TARGET_AVX2)
    fi
}

electra_install_packages || return 1 2>/dev/null || exit 1
electra_set_blas_kernels
electra_set_swift_flags
