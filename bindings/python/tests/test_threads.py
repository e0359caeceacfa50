"""Thread safety: one Scanner shared by many threads, scanning at once, gives the same
results as scanning one at a time; the GIL is released while scanning."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import kubeward
from conftest import MANIFESTS

TEXTS = {p.name: p.read_text() for p in sorted(MANIFESTS.glob("*.yaml"))}


def big_text(copies: int = 300) -> str:
    one = (MANIFESTS / "deploy.yaml").read_text()
    return "---\n".join(one.replace("name: app\n", f"name: app-{i}\n", 1) for i in range(copies))


def test_many_threads_scanning_at_once_get_the_same_reports():
    scanner = kubeward.Scanner(packs=["all"])
    expected = {name: scanner.scan_text(text, name).to_json() for name, text in TEXTS.items()}
    jobs = [name for name in TEXTS for _ in range(16)]
    barrier = threading.Barrier(8)

    def scan(name):
        if jobs.index(name) < 8:
            barrier.wait(timeout=30)
        report = scanner.scan_text(TEXTS[name], name)
        # Reading the same report objects from several threads is safe too.
        return name, report.to_json(), [f.policy for f in report.findings], report.exit_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(scan, jobs))
    assert len(results) == len(jobs)
    for name, text, policies, code in results:
        assert text == expected[name]
        assert code in (1, 2)
        assert policies


def test_module_functions_and_paths_from_threads():
    expected = kubeward.scan_paths(MANIFESTS).to_json()
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: kubeward.scan_paths(MANIFESTS).to_json(), range(24)))
    assert set(results) == {expected}


def test_one_report_shared_between_threads():
    report = kubeward.scan_text(big_text(50))
    with ThreadPoolExecutor(max_workers=8) as pool:
        lists = list(pool.map(lambda _: [f.to_dict() for f in report.findings], range(16)))
    assert all(found == lists[0] for found in lists)
    assert len(lists[0]) == len(report.findings) > 50


def test_the_gil_is_released_while_scanning():
    """A Python thread keeps running while another thread scans a large text: the longest
    pause between its steps is far shorter than the scan (with the GIL held for the whole
    scan, it would last as long as the scan)."""
    text = big_text(3000)
    scanner = kubeward.Scanner()
    stamps = []
    started = threading.Event()
    done = threading.Event()

    def tick():
        started.set()
        while not done.is_set():
            stamps.append(time.perf_counter())
            time.sleep(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    started.wait(timeout=30)
    try:
        begin = time.perf_counter()
        scanner.scan_text(text)
        end = time.perf_counter()
    finally:
        done.set()
        ticker.join()
    during = [t for t in stamps if begin <= t <= end]
    gaps = [b - a for a, b in zip([begin] + during, during + [end])]
    assert len(during) > 5
    assert max(gaps) < (end - begin) / 2, (max(gaps), end - begin)
