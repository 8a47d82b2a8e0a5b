"""Every binding knows every result code of the C header's DL_RESULT_LIST.

Usage: check_result_codes.py REPO LIBRARY. Reads the list from directline.h,
asks the built library for each code's name, and checks that the Python
exception classes, the Java ErrorCode enum and the C# ErrorCode enum cover
exactly the same codes (no missing one, no stale one).
"""
import ctypes
import re
import sys
from pathlib import Path

repo, library = Path(sys.argv[1]), sys.argv[2]
header = (repo / "capi/include/directline.h").read_text()
listing = header[header.index("#define DL_RESULT_LIST(X)"):]
listing = listing[:listing.index("\n\n")]
codes = {name: int(value) for name, value in re.findall(r"X\((DL_[A-Z0-9_]+), (-?\d+),", listing)}
errors = [name for name in codes if name != "DL_OK"]
failures = []

lib = ctypes.CDLL(library)
lib.dl_result_name.restype = ctypes.c_char_p
for name, value in codes.items():
    if lib.dl_result_name(value).decode() != name:
        failures.append(f"library: dl_result_name({value}) is not {name}")

python_codes = {int(v) for v in re.findall(r"default_code = (-\d+)",
                                            (repo / "bindings/python/directline/_errors.py").read_text())}
if python_codes != {codes[n] for n in errors}:
    failures.append(f"python: exception classes cover {sorted(python_codes)}, "
                    f"the header has {sorted(codes[n] for n in errors)}")

for language, path, pattern in (
        ("java", "bindings/java/src/main/java/dev/directline/ErrorCode.java", r"NativeResultCode\.(DL_[A-Z0-9_]+)"),
        ("csharp", "bindings/csharp/Exceptions.cs", r"DirectLineNative\.(DL_[A-Z0-9_]+)")):
    named = set(re.findall(pattern, (repo / path).read_text()))
    if named != set(errors):
        failures.append(f"{language}: ErrorCode misses {sorted(set(errors) - named)}, "
                        f"has stale {sorted(named - set(errors))}")

for failure in failures:
    print("FAIL:", failure)
print(f"{len(codes)} result codes checked in the library, Python, Java and C#")
sys.exit(1 if failures else 0)
