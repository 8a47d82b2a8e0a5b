"""Reads a test log and prints "PASSED FAILED" from the runner's own summary.

Understands ctest, pytest, Maven Surefire, and the plain "N passed, N failed"
line our own scripts print. Used by scripts/test-all.sh to sum all suites.
"""
import re
import sys

text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
passed = failed = 0

# ctest: "100% tests passed, 0 tests failed out of 57"
for m in re.finditer(r"tests passed, (\d+) tests failed out of (\d+)", text):
    failed += int(m.group(1)); passed += int(m.group(2)) - int(m.group(1))
# Maven Surefire: "Tests run: 12, Failures: 0, Errors: 0, Skipped: 0" (the final, unindented summary)
for m in re.finditer(r"^\[\w+\] Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)\s*$", text, re.M):
    run, fl, er, sk = map(int, m.groups())
    failed += fl + er; passed += run - fl - er - sk
# pytest: "==== 80 passed, 1 failed, 2 skipped in 3.2s ===="
for m in re.finditer(r"^=+ (.*?) in [\d.]+s.*=+$", text, re.M):
    for n, what in re.findall(r"(\d+) (passed|failed|error|errors)", m.group(1)):
        if what == "passed": passed += int(n)
        else: failed += int(n)
# Our scripts end with a line that is exactly "N passed, N failed": when a log
# has such lines they are the script's own total and take precedence.
plain = re.findall(r"^(\d+) passed, (\d+) failed(?:, \d+ skipped)?$", text, re.M)
if plain:
    passed = sum(int(p) for p, _ in plain)
    failed = sum(int(f) for _, f in plain)
print(passed, failed)
