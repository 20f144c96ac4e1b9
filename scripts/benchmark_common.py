"""Shared set-up of the PyTorch benchmark companions: PyTorch at its best on this machine.

transformers' default attention (SDPA), threads equal to the cores, bf16 through torch.autocast with
fp32 master weights when --precision bf16, torch.compile with --compile (exit 3 with the reason on
stderr when it cannot compile). Each script prints one JSON object of numbers.
"""
import contextlib
import os
import resource
import sys

import torch


def add_arguments(parser):
    parser.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    parser.add_argument("--compile", action="store_true", help="wrap the models in torch.compile")
    parser.add_argument("--threads", type=int, default=os.cpu_count())


def configure(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)


def autocast(args):
    """The forward pass's context: bf16 autocast for --precision bf16, nothing for fp32."""
    if args.precision == "bf16":
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def sdpa(config):
    config._attn_implementation = "sdpa"
    return config


def maybe_compile(args, module):
    if not args.compile:
        return module
    try:
        return torch.compile(module)
    except Exception as error:  # noqa: BLE001 - any failure means "compile unavailable"
        print(f"torch.compile failed: {error}", file=sys.stderr)
        sys.exit(3)


def run_compiled(args, function):
    """Runs `function` once; under --compile, a compile failure exits 3 with its reason."""
    if not args.compile:
        return function()
    try:
        return function()
    except Exception as error:  # noqa: BLE001
        print(f"torch.compile failed: {type(error).__name__}: {error}"[:2000], file=sys.stderr)
        sys.exit(3)


def peak_rss_bytes():
    """This process's own peak RSS: VmHWM, which starts afresh at exec. (ru_maxrss does not: on Linux
    it keeps the spawning process's peak, so a child of a large process would report the parent's.)"""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return float(int(line.split()[1]) * 1024)
    except OSError:
        pass
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)


def resident_bytes():
    """This process's resident set now (/proc/self/statm), before any step: the interpreter, torch,
    the models and their inputs; falls back to the peak so far where /proc is absent."""
    try:
        with open("/proc/self/statm") as statm:
            return float(int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, IndexError):
        return peak_rss_bytes()
