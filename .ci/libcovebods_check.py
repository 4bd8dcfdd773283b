"""Validates BODS files with libcovebods (Open Ownership's validator): the JSON schema of the
file's version and every additional check. Offline: the org-id.guide list of identifier schemes,
which libcove2 downloads, is replaced by the codes owngraph writes and the test samples use (all
of them codes of org-id.guide).

Usage: libcovebods_check.py FILE...  Prints one JSON object per file ({"file", "schema_version",
"errors": [...]}) and exits 1 when any file has an error, 0 otherwise.
"""

import json
import sys

import libcove2.common

ORG_ID_PREFIXES = ["RU-OGRN", "RU-INN", "GB-COH", "XI-LEI", "FI-PRO", "DK-CVR", "SK-ORSR", "UA-EDR"]


def _offline_prefixes(*_args, **_kwargs):
    return list(ORG_ID_PREFIXES)


# Before the check modules import it by name.
libcove2.common.get_orgids_prefixes = _offline_prefixes

import libcovebods.config  # noqa: E402
import libcovebods.data_reader  # noqa: E402
import libcovebods.jsonschemavalidate  # noqa: E402
import libcovebods.run_tasks  # noqa: E402
import libcovebods.schema  # noqa: E402


def check(path):
    reader = libcovebods.data_reader.DataReader(path)
    config = libcovebods.config.LibCoveBODSConfig()
    schema = libcovebods.schema.SchemaBODS(reader, config)
    errors = []
    for e in libcovebods.jsonschemavalidate.JSONSchemaValidator(schema).validate(reader):
        errors.append({"kind": "schema", **e.json()})
    out = libcovebods.run_tasks.process_additional_checks(
        reader, config, schema, libcovebods.run_tasks.TASK_CLASSES
    )
    for e in out.get("additional_checks", []):
        errors.append({"kind": "additional_check", **e})
    return {"file": path, "schema_version": schema.schema_version, "errors": errors}


def main(paths):
    failed = False
    for p in paths:
        r = check(p)
        failed = failed or bool(r["errors"])
        print(json.dumps(r, ensure_ascii=False, default=str))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
