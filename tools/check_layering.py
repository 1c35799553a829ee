#!/usr/bin/env python3
"""Check the #include lines of one hpcast module against the module table of DESIGN.md.

Run by the build (meson.build: one custom_target per module, whose output every object of the
module library waits for), so that a forbidden include fails the build before the compiler runs:

    check_layering.py --root SRCDIR --module models --may-use core,spectral --libs petsc,lapack \
        --output layering_models.h FILE...

FILE... are the module's own files: its sources, its private headers and its public headers
(include/hpcast/<header>.h of the headers it owns). Each #include in them must be one of
  - a header of the module itself, a relative private header ("kalman.h"),
  - the public header (include/hpcast/X.h) of a module listed in --may-use,
  - a header of an external library listed in --libs (EXTERNAL_HEADERS below),
  - an external header that the public header of a module in --may-use includes itself
    (models.h includes petscsys.h: eval may name PetscErrorCode, not include petsctao.h),
  - any other system header (libc, POSIX: not in EXTERNAL_HEADERS).
An include of another hpcast module, of an hpcast header no module owns, or of a library the
module may not use is an error naming the file, line, header and rule; the exit status is then 1
and the output is not written. On success the output is written: a header with a comment only.
"""
import argparse
import fnmatch
import os
import re
import sys

# Public header -> owning module (include/hpcast/<header>).
HEADER_OWNER = {
    "core.h": "core",
    "io.h": "io",
    "data.h": "data",
    "indicators.h": "data",
    "spectral.h": "spectral",
    "models.h": "models",
    "eval.h": "eval",
    "covariance.h": "covariance",
    "portfolio.h": "portfolio",
    "parallel.h": "parallel",
}

# External library (the names of --libs, as in meson.build) -> the headers that belong to it.
EXTERNAL_HEADERS = {
    "hdf5": ["hdf5.h", "hdf5_hl.h", "H5*.h"],
    "zlib": ["zlib.h", "zconf.h"],
    "threads": ["pthread.h"],
    "fftw": ["fftw3.h", "fftw3*.h"],
    "petsc": ["petsc*.h", "petsc/*"],
    "slepc": ["slepc*.h"],
    "lapack": ["lapack.h", "lapacke*.h", "cblas.h", "f2c.h"],
    "mpi": ["mpi.h", "mpio.h", "mpi_*.h", "mpi-ext.h"],
}

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def library_of(header):
    """The external library a header belongs to, or None (libc, POSIX, compiler headers)."""
    for lib, patterns in EXTERNAL_HEADERS.items():
        if any(fnmatch.fnmatchcase(header, p) for p in patterns):
            return lib
    return None


def includes(path):
    """(line number, header) of every #include of a file; comments on the line are ignored."""
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            m = INCLUDE_RE.match(line)
            if m:
                yield n, m.group(2).strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", required=True, help="source root (file names are printed relative to it)")
    ap.add_argument("--module", required=True)
    ap.add_argument("--may-use", default="", help="comma-separated hpcast modules the module may use")
    ap.add_argument("--libs", default="", help="comma-separated external libraries the module may use")
    ap.add_argument("--known-violation", action="append", default=[], metavar="FILE:HEADER",
                    help="an include that breaks the rule today and is tolerated until it is fixed "
                         "(printed on every check)")
    ap.add_argument("--output", required=True, help="written on success only")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()

    mod = a.module
    uses = [u for u in a.may_use.split(",") if u]
    libs = [l for l in a.libs.split(",") if l]
    root = os.path.abspath(a.root)
    inc_dir = os.path.join(root, "include", "hpcast")
    unknown_libs = [l for l in libs if l not in EXTERNAL_HEADERS and l != "m"]
    if unknown_libs:
        sys.exit(f"check_layering.py: unknown library {', '.join(unknown_libs)} (add it to EXTERNAL_HEADERS)")

    # External headers re-exported by the public headers of the modules this one may use.
    reexported = {}
    for h, owner in HEADER_OWNER.items():
        if owner in uses and os.path.exists(os.path.join(inc_dir, h)):
            for _, inc in includes(os.path.join(inc_dir, h)):
                if library_of(inc):
                    reexported[inc] = h

    def rule():
        may = ", ".join(uses) if uses else "no other module"
        ext = ", ".join(libs) if libs else "none"
        s = f"module {mod} may use {may}; external libraries: {ext}"
        if reexported:
            s += "; and, as its allowed modules' headers include them, " + ", ".join(
                f"{h} (via hpcast/{via})" for h, via in sorted(reexported.items()))
        return s + " (DESIGN.md, module table; the table of meson.build)"

    errors = []
    for path in a.files:
        rel = os.path.relpath(os.path.abspath(path), root)
        for n, h in includes(path):
            where = f"{rel}:{n}"
            if f"{rel}:{h}" in a.known_violation:
                print(f"layering: known violation, tolerated until fixed: {where}: #include <{h}>")
                continue
            if h.startswith("hpcast/"):
                name = h[len("hpcast/"):]
                owner = HEADER_OWNER.get(name)
                if owner is None:
                    errors.append(f"{where}: #include \"{h}\": no module owns this header "
                                  f"(add it to HEADER_OWNER in tools/check_layering.py)")
                elif owner != mod and owner not in uses:
                    errors.append(f"{where}: #include \"{h}\" is a header of module {owner}, "
                                  f"which module {mod} may not use: {rule()}")
                continue
            if "../" in h:
                errors.append(f"{where}: #include \"{h}\": a module includes its own headers or "
                              f"hpcast/<module>.h, never another directory's files")
                continue
            lib = library_of(os.path.basename(h)) or library_of(h)
            if lib and lib not in libs and h not in reexported:
                errors.append(f"{where}: #include <{h}> belongs to {lib}, which module {mod} "
                              f"may not use: {rule()}")

    if errors:
        for e in errors:
            print(f"layering error: {e}", file=sys.stderr)
        try:
            os.remove(a.output)
        except FileNotFoundError:
            pass
        return 1
    with open(a.output, "w", encoding="utf-8") as f:
        f.write(f"/* generated by tools/check_layering.py: the includes of module {mod} "
                f"follow the module table */\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
