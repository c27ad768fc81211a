"""Two backups compared but for their ids."""

import json

from interactions.backup.document import SECTIONS, BackupEncoder
from interactions.followups.keys import ID_PARTS

SECTION_OF = {model: key for key, model, _ in SECTIONS}


def _positions(document):
    return {key: {row["id"]: i for i, row in enumerate(document[key])} for key, _, _ in SECTIONS}


def normalised(document):
    """The document with every id (columns, lists, and parts of source keys) replaced by the
    position of its row, so that two accounts can be compared; the export's time left out."""
    positions = _positions(document)
    out = {"profile": document["profile"]}
    for key, model, _ in SECTIONS:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        fields |= {f.name: f for f in model._meta.many_to_many}
        rows = []
        for row in document[key]:
            row = {name: value for name, value in row.items() if name != "id"}
            for name, value in row.items():
                field = fields.get(name)
                if field is None or not field.is_relation or value is None:
                    continue
                target = positions[SECTION_OF[field.related_model]]
                if isinstance(value, list):
                    row[name] = sorted(target[v] for v in value)
                else:
                    row[name] = target[value]
            if "source_key" in row:
                kind, *parts = row["source_key"].split(":")
                for i, part_model in enumerate(ID_PARTS.get(kind, ())[: len(parts)]):
                    if part_model is not None:
                        parts[i] = f"#{positions[SECTION_OF[part_model]][int(parts[i])]}"
                row["source_key"] = ":".join([kind, *parts])
            rows.append(row)
        out[key] = rows
    return json.loads(json.dumps(out, cls=BackupEncoder))
