"""Fail when pip-audit found a known vulnerability that has a fixed version; say what was skipped.

make audit   (pip-audit --skip-editable -f json -o artifacts/pip-audit.json, then this script)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(path: str) -> int:
    report = json.loads(Path(path).read_text())
    fixable, unfixable, skipped = [], [], []
    for dep in report.get("dependencies", []):
        if dep.get("skip_reason"):
            skipped.append(dep["name"])
        for vuln in dep.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions") or []) or "-"
            entry = f"{dep['name']} {dep.get('version')}: {vuln['id']} (fixed in {fixed})"
            (fixable if vuln.get("fix_versions") else unfixable).append(entry)
    audited = len(report.get("dependencies", [])) - len(skipped)
    print(f"pip-audit: {audited} packages audited, {len(skipped)} could not be looked up")
    if skipped and not audited:
        print("pip-audit: the vulnerability service could not be reached from here; nothing was checked")
    for entry in unfixable:
        print(f"known vulnerability without a fix yet: {entry}")
    for entry in fixable:
        print(f"FIXABLE VULNERABILITY: {entry}")
    return 1 if fixable else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
