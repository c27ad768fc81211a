"""The benchmark's report as a table, each figure beside its targets."""

def _figure(result: dict) -> str:
    kind = result["kind"]
    if kind == "page":
        small, large = result["smaller"], result["larger"]
        return (
            f"p95 after a write {small['after_write']['p95_ms']} → "
            f"{large['after_write']['p95_ms']} ms, warm {small['warm']['p95_ms']} → "
            f"{large['warm']['p95_ms']} ms; {large['warm']['queries']}/"
            f"{large['after_write']['queries']} queries; {large['kb']} KB"
        )
    if kind == "load":
        return (
            f"{result['rps']} req/s ({result['connections']} conn., {result['errors']} errors, "
            f"p95 {result['p95_ms']} ms; {result.get('client', 'Python client')})"
        )
    if kind == "import":
        text = f"{result['rows_per_second']:,} rows/s, peak {result['peak_rss_mb']} MB"
        if "floor" in result:  # the 500,000-row run of the full bench is measured alone
            text += (
                f", {result['vs_floor']}× the floor, a COPY into contacts_contact "
                f"({result['floor']['seconds']:.3f} s); {result['vs_parse_floor']}× the parse "
                f"floor ({result['parse_floor']['seconds']:.4f} s)"
            )
        return text
    if kind == "scanner":
        return (
            f"{result['contacts']:,} contacts in {result['seconds']} s = "
            f"{result['contacts_per_second']:,}/s"
        )
    if kind == "digests":
        return f"{result['users']} users in {result['seconds']} s = {result['users_per_second']}/s"
    if kind == "sync":
        from .sync import figure

        return figure(result)
    return result.get("figure", "")


def format_table(report: dict) -> str:
    rows = [("Measure", "Figure", "Target", "Met")]
    for result in report["results"]:
        targets = result["targets"] or [None]
        for index, target in enumerate(targets):
            rows.append((
                result["name"] if index == 0 else "",
                _figure(result) if index == 0 else "",
                target["target"] if target else "—",
                ("yes" if target["passed"] else "NO") if target else "",
            ))
    for error in report["errors"]:
        rows.append((error["phase"], f"error: {error['error'][:80]}", "", "NO"))
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    lines = [
        " | ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        for row in rows
    ]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    machine = report["machine"]
    lines.append("")
    lines.append(
        f"{machine['database']}, {machine['cpus']} CPUs ({machine['cpu_model']}), "
        f"{machine['memory']}, "
        f"Python {machine['python']}, Django {machine['django']}; size {report['size']['name']}, "
        f"{report['seconds']} s in all; load average {machine['load_average_at_start'][0]} at the "
        f"start, {machine['load_average'][0]} at the end."
    )
    return "\n".join(lines)
