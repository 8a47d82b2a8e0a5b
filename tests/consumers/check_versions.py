#!/usr/bin/env python3
"""One version, one place: CMakeLists.txt's project(VERSION) is the version.

Checks that everything that repeats it agrees: the C header's DL_VERSION_*
macros (kept literal so the header works straight from the source tree), the
Maven POM, the tests that compare the library version, the README's package
names, the CHANGELOG, the pyproject version source, and, in a build tree, the
SONAME, pkg-config file, jar, nupkg and their metadata. Also checks that the
project URL and the MIT license are the same everywhere.

usage: check_versions.py SOURCE_DIR [BUILD_DIR]
"""
import re
import subprocess
import sys
import zipfile
from pathlib import Path

src = Path(sys.argv[1])
build = Path(sys.argv[2]) if len(sys.argv) > 2 else None
problems = []
checked = 0


def read(rel):
    return (src / rel).read_text(encoding="utf-8")


def expect(what, got, want):
    global checked
    checked += 1
    if got != want:
        problems.append(f"{what}: {got!r}, expected {want!r}")


cmake = read("CMakeLists.txt")
m = re.search(r"project\(directline\s+VERSION\s+(\d+)\.(\d+)\.(\d+)", cmake)
major, minor, patch = m.groups()
version = f"{major}.{minor}.{patch}"
url = re.search(r'HOMEPAGE_URL\s+"([^"]+)"', cmake).group(1)
soversion = re.search(r"set\(DL_SOVERSION\s+(\d+)\)", cmake).group(1)
print(f"project version {version}, SONAME libdirectline.so.{soversion}, {url}")

header = read("capi/include/directline.h")
for name, want in (("MAJOR", major), ("MINOR", minor), ("PATCH", patch)):
    got = re.search(rf"#define DL_VERSION_{name} (\d+)", header).group(1)
    expect(f"directline.h DL_VERSION_{name}", got, want)
expect("directline.h DL_VERSION_STRING",
       re.search(r'#define DL_VERSION_STRING "([^"]+)"', header).group(1), version)
expect("capi/CMakeLists.txt SOVERSION", "${DL_SOVERSION}" in read("capi/CMakeLists.txt"), True)

pom = read("bindings/java/pom.xml")
expect("pom.xml <version>", re.search(r"</artifactId>\s*<version>([^<]+)</version>", pom).group(1), version)
expect("pom.xml <url>", re.search(r"<url>([^<]+)</url>", pom).group(1), url)
expect("pom.xml license", "<name>MIT</name>" in pom, True)

pyproject = read("pyproject.toml")
expect("pyproject version source", 'input = "capi/include/directline.h"' in pyproject
       and "DL_VERSION_STRING" in pyproject, True)
expect("pyproject license", re.search(r'^license = "([^"]+)"', pyproject, re.M).group(1), "MIT")
expect("pyproject Homepage", re.search(r'^Homepage = "([^"]+)"', pyproject, re.M).group(1), url)
expect("nuspec projectUrl", "<projectUrl>@PROJECT_HOMEPAGE_URL@</projectUrl>"
       in read("bindings/csharp/DirectLine.nuspec.in"), True)
expect("LICENSE", read("LICENSE").startswith("MIT License"), True)

# Tests that compare the loaded library's version with a literal.
expect("tests/csharp version literal",
       re.search(r'Assert.AreEqual\("([^"]+)", DirectLineClient.LibraryVersion\)',
                 read("tests/csharp/BehaviourTests.cs")).group(1), version)
expect("Java test version literal",
       re.search(r'assertEquals\("([^"]+)", DirectLineClient.libraryVersion\(\)\)',
                 read("tests/java/junit/dev/directline/BehaviourTest.java")).group(1), version)
readme = read("README.md")
for found in re.findall(r"DirectLine\.(\d+\.\d+\.\d+)\.nupkg|directline-(\d+\.\d+\.\d+)\.jar", readme):
    expect("README package name", found[0] or found[1], version)
changelog = read("CHANGELOG.md")
expect("CHANGELOG has a section for this version",
       bool(re.search(rf"^## \[(Unreleased\] \({re.escape(version)}\)|{re.escape(version)}\])",
                      changelog, re.M)), True)
for rel in ("examples/c/CMakeLists.txt", "examples/cpp/CMakeLists.txt"):
    expect(f"{rel} find_package version",
           re.search(r"find_package\(directline (\d+\.\d+) ", read(rel)).group(1), f"{major}.{minor}")

if build:
    lib = build / "lib" / f"libdirectline.so.{soversion}"
    expect(f"{lib.name} built", lib.exists(), True)
    if lib.exists():
        dyn = subprocess.run(["readelf", "-d", str(lib)], capture_output=True, text=True).stdout
        expect("SONAME", re.search(r"Library soname: \[([^\]]+)\]", dyn).group(1), lib.name)
    pc = build / "packaging" / "directline.pc"
    if pc.exists():
        text = pc.read_text()
        expect("directline.pc Version", re.search(r"^Version: (.*)$", text, re.M).group(1), version)
        expect("directline.pc URL", re.search(r"^URL: (.*)$", text, re.M).group(1), url)
    jar = build / "packages" / f"directline-{version}.jar"
    if jar.exists():
        props = zipfile.ZipFile(jar).read(
            "META-INF/maven/dev.directline/directline/pom.properties").decode()
        expect("jar pom.properties version", re.search(r"^version=(.*)$", props, re.M).group(1), version)
    nupkg = build / "packages" / f"DirectLine.{version}.nupkg"
    if nupkg.exists():
        nuspec = zipfile.ZipFile(nupkg).read("DirectLine.nuspec").decode()
        expect("nuspec version", re.search(r"<version>([^<]+)</version>", nuspec).group(1), version)
        expect("nuspec projectUrl", re.search(r"<projectUrl>([^<]+)</projectUrl>", nuspec).group(1), url)
        expect("nuspec license", '<license type="expression">MIT</license>' in nuspec, True)

for p in problems:
    print("MISMATCH", p)
print(f"{checked - len(problems)} passed, {len(problems)} failed")
sys.exit(1 if problems else 0)
