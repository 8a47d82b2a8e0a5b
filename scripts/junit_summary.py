#!/usr/bin/env python3
"""Sums ctest's JUnit reports (ctest --output-junit FILE): one line per report
("default: 52 passed, 0 failed, 0 not run"), the failed tests by name, then the
total as "N passed, N failed". Exits 1 when a test failed or a report is missing."""
from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def main(paths: list[str]) -> int:
    passed = failed = 0
    ok = True
    for name in paths:
        path = Path(name)
        if not path.is_file():
            print(f"{path.stem}: no report (configure or build failed)")
            failed += 1
            ok = False
            continue
        counts = {"run": 0, "fail": 0, "notrun": 0}
        failures = []
        for case in ET.parse(path).getroot().iter("testcase"):
            status = case.get("status", "run")
            counts[status if status in counts else "notrun"] += 1
            if status == "fail":
                failures.append(case.get("name", "?"))
        print(f"{path.stem}: {counts['run']} passed, {counts['fail']} failed, {counts['notrun']} not run")
        for test in failures:
            print(f"  failed: {test}")
        passed += counts["run"]
        failed += counts["fail"] + counts["notrun"]
        ok = ok and not failures and counts["notrun"] == 0
    print(f"{passed} passed, {failed} failed")
    return 0 if ok and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
