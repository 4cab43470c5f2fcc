#!/usr/bin/python
# -*- coding: utf-8 -*-
# Ansible module for sysknob(8): apply a profile or roll back the last apply.
# It runs sysknob with --format json and trusts its exit codes (0 success or
# in sync, 1 refused or failed with the system unchanged, 2 drift found by
# --check, 64 usage error) instead of guessing from text.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: sysknob_profile
short_description: Apply or roll back sysknob kernel parameter profiles
description:
  - Runs C(sysknob apply) for one or several profiles, or C(sysknob rollback),
    with C(--format json), and reports whether anything changed.
  - Idempotent; supports check mode (C(sysknob apply --check)) and diff mode.
options:
  name:
    description:
      - Profile name or path, or a list of them composed left to right (later wins).
      - Required when I(state=applied).
    type: raw
  state:
    description:
      - C(applied) makes the live kernel and boot files match the profiles.
      - C(rolled_back) undoes the newest apply not yet undone; nothing to undo is not an error.
    type: str
    choices: [applied, rolled_back]
    default: applied
  runtime_only:
    description: Change the live kernel only, write no boot files (C(apply --runtime-only)).
    type: bool
    default: false
  root:
    description: Resolve configuration, state and lock paths under this directory (C(--root)).
    type: path
  binary:
    description: The sysknob executable.
    type: path
    default: sysknob
author:
  - sysknob developers
"""

EXAMPLES = r"""
- name: NAT gateway kernel parameters
  sysknob_profile:
    name: nat-gateway

- name: Compose two profiles, live kernel only
  sysknob_profile:
    name: [base, /etc/sysknob/site.toml]
    runtime_only: true

- name: Undo the last apply
  sysknob_profile:
    state: rolled_back
"""

RETURN = r"""
changed:
  description: Whether sysknob changed (or, in check mode, would change) anything.
  type: bool
  returned: always
changes:
  description: Live keys changed, each {key, from, to}.
  type: list
  returned: always
files:
  description: Files written or removed, each {path, action}.
  type: list
  returned: when state=applied
snapshot:
  description: Id of the snapshot that records the previous state (null when nothing changed).
  type: str
  returned: always
warnings:
  description: sysknob's warnings (shadowed keys, module parameters that take effect later, ...).
  type: list
  returned: when state=applied
diagnostics:
  description: Lint diagnostics, each {id, severity, key, file, line, column, message, hint}.
  type: list
  returned: when state=applied
restored:
  description: Id of the snapshot whose state a rollback restored.
  type: str
  returned: when state=rolled_back and something was rolled back
"""

import json

from ansible.module_utils.basic import AnsibleModule

EXIT_OK, EXIT_ERROR, EXIT_DRIFT, EXIT_USAGE = 0, 1, 2, 64


def parse_json(module, stdout, cmd, rc, stderr):
    try:
        return json.loads(stdout) if stdout.strip() else {}
    except ValueError:
        module.fail_json(msg="sysknob printed no valid JSON", cmd=cmd, rc=rc, stdout=stdout, stderr=stderr)


def render_diagnostic(d):
    text = "%s:%s:%s: %s[%s]: %s" % (d.get("file", ""), d.get("line", 0), d.get("column", 0),
                                     d.get("severity", "error"), d.get("id", ""), d.get("message", ""))
    if d.get("hint"):
        text += "\n  hint: %s" % d["hint"]
    return text


def fail(module, what, cmd, rc, stdout, stderr, doc):
    diagnostics = doc.get("diagnostics", []) if isinstance(doc, dict) else []
    lines = [l for l in stderr.splitlines() if l.strip()]
    if not lines:
        lines = [render_diagnostic(d) for d in diagnostics if d.get("severity") == "error"]
    if isinstance(doc, dict) and doc.get("error") and doc["error"] not in stderr:
        lines.insert(0, doc["error"])
    msg = "%s failed (exit %d)" % (what, rc)
    if lines:
        msg += ": " + "\n".join(lines)
    module.fail_json(msg=msg, cmd=cmd, rc=rc, stdout=stdout, stderr=stderr, diagnostics=diagnostics)


def value_text(v):
    # Kernel text form, white space normalised as sysctl.d(5) writes it.
    return " ".join(str(v if v is not None else "").split())


def make_diff(changes):
    before = "".join("%s = %s\n" % (c.get("key"), value_text(c.get("from"))) for c in changes)
    after = "".join("%s = %s\n" % (c.get("key"), value_text(c.get("to"))) for c in changes)
    return {"before": before, "after": after, "before_header": "live values", "after_header": "profile values"}


def base_cmd(module):
    binary = module.params["binary"]
    resolved = module.get_bin_path(binary, required=False) if "/" not in binary else binary
    if not resolved:
        module.fail_json(msg="sysknob executable '%s' not found in PATH" % binary)
    cmd = [resolved, "--format", "json"]
    if module.params["root"]:
        cmd += ["--root", module.params["root"]]
    return cmd


def applied(module):
    names = module.params["name"]
    if names is None or names == "" or names == []:
        module.fail_json(msg="name is required when state=applied")
    if not isinstance(names, list):
        names = [names]
    names = [str(n) for n in names]
    cmd = base_cmd(module) + ["apply"]
    if module.check_mode:
        cmd.append("--check")
    if module.params["runtime_only"]:
        cmd.append("--runtime-only")
    cmd += names

    rc, stdout, stderr = module.run_command(cmd, environ_update={"LC_ALL": "C"})
    doc = parse_json(module, stdout, cmd, rc, stderr)
    if module.check_mode:
        if rc not in (EXIT_OK, EXIT_DRIFT):
            fail(module, "sysknob apply --check", cmd, rc, stdout, stderr, doc)
        changed = rc == EXIT_DRIFT
    else:
        if rc != EXIT_OK:
            fail(module, "sysknob apply", cmd, rc, stdout, stderr, doc)
        changed = bool(doc.get("changed", False))

    changes = doc.get("changes", [])
    # No 'rc' in a successful result: Ansible fails any task whose result
    # has a non-zero rc, and --check legitimately exits 2.
    result = dict(
        changed=changed,
        changes=changes,
        files=doc.get("files", []),
        snapshot=doc.get("snapshot"),
        # AnsibleModule shows each entry of 'warnings' as a task warning.
        warnings=["sysknob: %s" % w for w in doc.get("warnings", [])],
        diagnostics=doc.get("diagnostics", []),
        cmd=cmd,
    )
    if module._diff:
        result["diff"] = make_diff(changes)
    module.exit_json(**result)


def rolled_back(module):
    # Nothing left to undo is the desired state, not a failure: decide from
    # the snapshot list first (the same rule as `sysknob rollback` without ID).
    list_cmd = base_cmd(module) + ["snapshots"]
    rc, stdout, stderr = module.run_command(list_cmd, environ_update={"LC_ALL": "C"})
    doc = parse_json(module, stdout, list_cmd, rc, stderr)
    if rc != EXIT_OK:
        fail(module, "sysknob snapshots", list_cmd, rc, stdout, stderr, doc)
    targets = [s for s in doc.get("snapshots", [])
               if s.get("kind", "apply") == "apply" and not s.get("undone") and s.get("status") != "failed"]
    if not targets:
        module.exit_json(changed=False, changes=[], snapshot=None, msg="nothing to roll back")
    target = targets[-1]
    if module.check_mode:
        module.exit_json(changed=True, changes=[], snapshot=None, restored=str(target.get("id")))

    cmd = base_cmd(module) + ["rollback"]
    rc, stdout, stderr = module.run_command(cmd, environ_update={"LC_ALL": "C"})
    doc = parse_json(module, stdout, cmd, rc, stderr)
    if rc != EXIT_OK:
        fail(module, "sysknob rollback", cmd, rc, stdout, stderr, doc)
    changes = doc.get("changes", [])
    result = dict(changed=bool(doc.get("changed", False)), changes=changes, files=doc.get("files", []),
                  snapshot=doc.get("snapshot"), restored=doc.get("restored"), cmd=cmd)
    if module._diff:
        result["diff"] = make_diff(changes)
    module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="raw"),
            state=dict(type="str", default="applied", choices=["applied", "rolled_back"]),
            runtime_only=dict(type="bool", default=False),
            root=dict(type="path"),
            binary=dict(type="path", default="sysknob"),
        ),
        supports_check_mode=True,
    )
    if module.params["state"] == "applied":
        applied(module)
    else:
        rolled_back(module)


if __name__ == "__main__":
    main()
