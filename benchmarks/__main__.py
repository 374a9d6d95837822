"""Run every workload, print one line each, write results/latest.json and results/latest.md.

    python -m benchmarks [--tiny | --long] [--only mlp_step,tiny_chain] [--rounds N] [--threads N]
"""
import argparse
import importlib
import sys

from .harness import RESULTS_DIR, print_results, write_reports

WORKLOADS = [
    "mlp_step", "mlp_batches", "optim_step", "tiny_chain", "scalar_vs_micrograd", "scalar_chain",
    "chain_scaling", "cnn_step", "lstm_step", "training_rss", "viz_draw",
]


def _limit_threads(n):
    """Cap numpy's BLAS and PyTorch's intra-op threads at ``n`` (both, for a fair race)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        sys.exit("--threads needs threadpoolctl (pip install threadpoolctl)")
    import numpy  # noqa: F401 - load the BLAS so that the limit reaches it
    limiter = threadpool_limits(limits=n)
    try:
        import torch
        torch.set_num_threads(n)
    except ImportError:
        pass
    return limiter


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--tiny", action="store_true", help="small sizes, for a smoke run")
    size.add_argument("--long", action="store_true",
                      help="add the long points (chain_scaling's 10^6 ops)")
    parser.add_argument("--only", default="", help="comma-separated workloads: "
                        + ",".join(WORKLOADS))
    parser.add_argument("--rounds", type=int, default=None,
                        help="timed rounds per candidate (default: each workload's own)")
    parser.add_argument("--threads", type=int, default=None,
                        help="cap BLAS and torch threads (default: leave the environment as is)")
    parser.add_argument("--out", default=str(RESULTS_DIR), help="folder for latest.json/.md")
    args = parser.parse_args(argv)

    names = [n.strip() for n in args.only.split(",") if n.strip()] or WORKLOADS
    unknown = sorted(set(names) - set(WORKLOADS))
    if unknown:
        parser.error(f"unknown workload(s) {', '.join(unknown)}; choose from "
                     f"{', '.join(WORKLOADS)}")
    limiter = _limit_threads(args.threads) if args.threads else None

    results, targets = [], {}
    for name in names:
        module = importlib.import_module(f"{__package__}.{name}")
        kwargs = {} if args.rounds is None else {"rounds": args.rounds}
        print(f"# {name}", flush=True)
        size = "tiny" if args.tiny else "full"
        if args.long and "long" in getattr(module, "EXTRA_SIZES", ()):
            size = "long"
        found = module.run(size=size, **kwargs)
        print_results(found)
        results += found
        targets.update(module.TARGETS)

    json_path, md_path = write_reports(results, args.out, targets)
    print(f"\nwrote {json_path} and {md_path}")
    print(md_path.read_text())
    if limiter is not None:
        limiter.restore_original_limits()


if __name__ == "__main__":
    main()
