#!/usr/bin/env python3
"""make_http_path_seeds.py - write the seed corpus of fuzz_http_path (corpus/fuzz_http_path/).

Input format (fuzz_http_path.c): the bytes of a request target, nothing else. Seeds: the names
of the fuzzer's tree (a file, a directory, symlinks out and in) reached plainly, through merged
slashes and through every class of hostile target of tests/e2e/t_http_path.sh. Plain Python;
rerun after editing; the generated files are committed (they are small).
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "fuzz_http_path")

SEEDS = {
    "ok": b"/ok.txt",
    "root": b"/",
    "sub_index": b"/sub/",
    "sub_no_slash": b"/sub",
    "inside_link": b"/inside",
    "inside_up": b"/sub/inside_up",
    "dslash_etc_passwd": b"//etc/passwd",
    "tslash_etc_passwd": b"///etc/passwd",
    "absolute_form": b"http://t//etc/passwd",
    "leak": b"/leak",
    "leak_rel": b"//leak_rel",
    "out_dir": b"/out/secret.txt",
    "up": b"/up/outside/secret.txt",
    "slash_link": b"/slash/etc/passwd",
    "environ": b"/environ",
    "proc_link": b"/proc/fd/0",
    "deep": b"/sub/deep",
    "idx": b"/idx/",
    "dotdot": b"/../../etc/passwd",
    "dotdot_encoded": b"/%2e%2e/%2e%2e/etc/passwd",
    "encoded_slash": b"/..%2f..%2fetc/passwd",
    "backslash": b"/..\\..\\etc\\passwd",
    "nul": b"/ok.txt%00.html",
    "overlong": b"/..%c0%af..%c0%afetc/passwd",
    "utf8_ok": b"/%c3%a9t%c3%a9",
    "query": b"/ok.txt?a=/../../",
    "raw_absolute": b"/etc/passwd",
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(SEEDS), OUT))


if __name__ == "__main__":
    main()
