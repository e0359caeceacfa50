"""Differential fuzzing of kubeward's YAML front end against Kubernetes' own decoder.

Usage: python3 fuzz/yaml_diff.py REPO_ROOT KUBEWARD_BIN OUT_DIR N [CORPUS_DIR]

Generates N inputs by mutating the Kubernetes decoding cases (tests/k8s-yaml) and the
examples (line, token and scalar mutations that keep the text YAML-like), adds up to N
files of CORPUS_DIR (a fuzz corpus) when given, decodes each with `kubeward decode` and
with the Go oracle of tests/oracle, and compares them the way tests/conformance.rs does:
when Kubernetes rejects an input kubeward must report an error; when it accepts it,
kubeward must decode the same documents without error and report duplicate keys exactly
when Kubernetes' strict decoding finds some. Mismatching inputs are copied to
OUT_DIR/mismatches with a `.why` file each. Exit status 1 when there is a mismatch.
"""

import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

SCALARS = [
    "yes", "no", "on", "off", "y", "n", "Y", "NO", "True", "~", "null", "Null", "",
    "''", '""', "0x1F", "0o17", "017", "0b101", "1e3", "1E3", "1.5e-3", "+1", "-0", ".5",
    "0.", "1_000", "1__0", ".inf", "-.Inf", ".NaN", "190:20:30", "2001-12-14",
    "2001-12-14t21:59:43.10-05:00", "9223372036854775807", "9223372036854775808",
    "18446744073709551616", "-9223372036854775809", "1e400", "0x", "!!binary aGVsbG8=",
    "!!str 1", "!!int 1", "!!float 1", "!!bool yes", "!!null ''", "&a x", "*a", "'it''s'",
    '"\\u00e9\\x41\\t"', "|\n  a\n  b", ">-\n  a\n  b", "[a, b]", "{a: 1}", "{}", "[]",
    "<<", "=", "!", "!foo bar", "? ", "- ",
]
TOKENS = [
    "---", "...", "--- ", "- ", ": ", "? ", "&a ", "*a", "<<: *a", "<<: [*a, *b]", "&b ",
    "!!merge ", "!!map ", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "|-", ">+", "#", " #c",
    "\t", "\r", "\r\n", "\ufeff", "\u0085", "\u2028", "'", '"', "{", "}", "[", "]", ",",
    "\n", "\n  ", "\n- ", "\n---\n", "\n...\n", "\\", "@", "`", "%",
]


def mutate(rng: random.Random, text: str, seeds: list) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(9)
        i = rng.randrange(len(lines)) if lines else 0
        if not lines:
            lines = [""]
        if op == 0 and len(lines) > 1:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            other = rng.choice(seeds).split("\n")
            lines.insert(i, rng.choice(other))
        elif op == 4:
            line = lines[i]
            words = list(re.finditer(r"[A-Za-z0-9_.+-]+", line))
            if words:
                w = rng.choice(words)
                lines[i] = line[: w.start()] + rng.choice(SCALARS) + line[w.end():]
        elif op == 5:
            line = lines[i]
            k = rng.randint(0, len(line))
            lines[i] = line[:k] + rng.choice(TOKENS) + line[k:]
        elif op == 6:
            line = lines[i]
            d = rng.choice([-2, -1, 1, 2])
            lines[i] = " " * d + line if d > 0 else line[min(-d, len(line) - len(line.lstrip(" "))):]
        elif op == 7:
            other = rng.choice(seeds).split("\n")
            cut, cut2 = rng.randint(0, len(lines)), rng.randint(0, len(other))
            lines = lines[:cut] + other[cut2:]
        else:
            line = lines[i]
            if line:
                k = rng.randrange(len(line))
                lines[i] = line[:k] + line[k + 1:]
    return "\n".join(lines)


def same_json(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        # As tests/src/lib.rs same_json: integers exactly, anything else as float64.
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        return float(a) == float(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return len(a) == len(b) and all(k in b and same_json(v, b[k]) for k, v in a.items())
    return type(a) is type(b) and a == b


def kubeward(bin_path: str, path: Path):
    """(documents, error lines, duplicate-key warning seen)"""
    p = subprocess.run([bin_path, "decode", str(path)], capture_output=True, timeout=60)
    docs = [json.loads(line) for line in p.stdout.decode().splitlines() if line.strip()]
    stderr = p.stderr.decode(errors="replace").splitlines()
    errors = [l for l in stderr if ": error: " in l]
    if p.returncode not in (0, 2) or (p.returncode == 2 and not errors):
        errors.append(f"exit status {p.returncode}: {p.stderr[-300:]!r}")
    dup = any(": warning: " in l and "document end marker" not in l for l in stderr)
    return docs, errors, dup


def oracle(repo: Path, out: Path, files: list) -> None:
    """Writes NAME.expected.json next to each file; isolates inputs the oracle dies on."""
    binary = out / "oracle"
    subprocess.run(["go", "build", "-o", str(binary), "."], cwd=repo / "tests" / "oracle",
                   check=True)
    for k in range(0, len(files), 200):
        chunk = [str(f) for f in files[k:k + 200]]
        if subprocess.run([binary] + chunk, capture_output=True).returncode == 0:
            continue
        for f in chunk:
            subprocess.run([binary, f], capture_output=True)


def main() -> int:
    repo, bin_path, out, n = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    corpus = Path(sys.argv[5]) if len(sys.argv) > 5 else None
    rng = random.Random(int(os.environ.get("KUBEWARD_DIFF_SEED", "1")))
    seeds = [p.read_text(errors="replace")
             for p in sorted((repo / "tests" / "k8s-yaml").glob("*.yaml"))
             + sorted((repo / "examples").glob("*.yaml"))]
    cases = out / "cases"
    shutil.rmtree(out, ignore_errors=True)
    cases.mkdir(parents=True)
    files = []
    for i in range(n):
        text = mutate(rng, rng.choice(seeds), seeds)
        f = cases / f"{i:05d}-mutated.yaml"
        f.write_bytes(text.encode("utf-8", errors="surrogatepass")[:16384])
        files.append(f)
    if corpus and corpus.is_dir():
        extra = sorted(p for p in corpus.iterdir() if p.is_file() and p.stat().st_size <= 16384)
        rng.shuffle(extra)
        for i, p in enumerate(extra[:n]):
            f = cases / f"{i:05d}-corpus.yaml"
            shutil.copyfile(p, f)
            files.append(f)
    oracle(repo, out, files)

    mismatches, skipped, rejected = [], 0, 0
    for f in files:
        exp_path = f.with_suffix(".expected.json")
        if not exp_path.exists():
            skipped += 1  # the oracle itself failed on it
            continue
        try:
            exp = json.loads(exp_path.read_bytes())
            docs, errors, dup = kubeward(bin_path, f)
        except (RecursionError, ValueError, subprocess.TimeoutExpired) as e:
            if isinstance(e, subprocess.TimeoutExpired):
                mismatches.append((f, "kubeward decode took more than 60 s"))
            else:
                skipped += 1
            continue
        rejects = "error" in exp or exp.get("nondeterministicKeys")
        why = None
        if rejects:
            rejected += 1
            if not errors:
                why = f"Kubernetes rejects it ({exp.get('error', 'nondeterministic keys')}), kubeward decoded it"
        elif errors:
            why = f"Kubernetes accepts it, kubeward reported {errors[0]}"
        elif not (len(docs) == len(exp["documents"])
                  and all(same_json(a, b) for a, b in zip(docs, exp["documents"]))):
            why = (f"documents differ:\n kubernetes {json.dumps(exp['documents'])[:600]}\n"
                   f" kubeward   {json.dumps(docs)[:600]}")
        elif bool(exp.get("duplicateKeys")) != dup:
            why = f"duplicate keys: kubernetes {bool(exp.get('duplicateKeys'))}, kubeward {dup}"
        if why:
            mismatches.append((f, why))

    mdir = out / "mismatches"
    mdir.mkdir(exist_ok=True)
    for f, why in mismatches:
        shutil.copyfile(f, mdir / f.name)
        (mdir / (f.stem + ".why")).write_text(why + "\n")
        print(f"MISMATCH {f.name}: {why.splitlines()[0]}")
    compared = len(files) - skipped
    print(f"{len(files)} inputs, {compared} compared ({rejected} rejected by Kubernetes), "
          f"{skipped} skipped, {len(mismatches)} mismatches")
    if mismatches:
        print(f"mismatching inputs and reasons: {mdir}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
