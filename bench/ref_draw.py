#!/usr/bin/env python3
"""A plain reference implementation of sj-draw/1 and sj-draw/2, written from the spec pages
(docs: draw-v1.md, draw-v2.md), standard library only. It reads an evidence file, recomputes
seed, snapshotHash, strata, tasks and resultHash from its `draw` and `snapshot`, and says
whether each matches what the file records. It is the bench's baseline (`npm run bench`)
and an independent check of the spec.

    python3 bench/ref_draw.py EVIDENCE.json [...]   [--json]

Exit status 0 when every file matches, 1 otherwise. --json prints one JSON line per file
(matches and seconds per phase) for the bench.
"""
import hashlib
import json
import sys
import time

CLASSES = ["special", "key", "positive", "general"]


def H(s):
    """§1: SHA-256 of the UTF-8 bytes, 64 lowercase hex digits."""
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def canonical(x):
    """§1: Python's json.dumps with sorted keys, no whitespace, non-ASCII as itself."""
    return json.dumps(x, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def ceil_div(a, b):
    return (a + b - 1) // b


def quotas(objs, rate, rules, tiered):
    """§4: [(tier, quota, objects)] of one (region, class), strata with no objects left out."""
    n = len(objs)
    total = min(n, ceil_div(n * rate, 10000))
    if not tiered:
        return [(None, total, objs)] if objs else []
    tiers = [(t["code"], t["pct"]) for t in rules["tiers"]] + [(None, 100)]
    groups = [(code, pct, [o for o in objs if o["tier"] == code]) for code, pct in tiers]
    q = [min(len(g), ceil_div(len(g) * rate * pct, 1000000)) for _, pct, g in groups]
    deficit = total - sum(q)
    # the deficit goes to the last listed (highest risk) tier first, then on down, unrated last
    order = list(range(len(tiers) - 2, -1, -1)) + [len(tiers) - 1]
    for k in order:
        if deficit <= 0:
            break
        add = min(deficit, len(groups[k][2]) - q[k])
        q[k] += add
        deficit -= add
    return [(code, q[k], g) for k, (code, _, g) in enumerate(groups) if g]


def recompute(ev):
    """The draw of §2–§6 from ev's draw and snapshot: (seed, snapshotHash, strata, tasks, resultHash)."""
    alg = ev.get("algorithm", "sj-draw/1")
    v2 = alg == "sj-draw/2"
    if alg not in ("sj-draw/1", "sj-draw/2"):
        raise ValueError("unknown algorithm " + alg)
    d, snap = ev["draw"], ev["snapshot"]
    rules, level = snap["rules"], d["level"]
    seed = H(alg + "|seed|" + d["id"] + "|" + d["entropy"])
    snapshot_hash = H(canonical(snap))
    key = {o["id"]: H(alg + "|obj|" + seed + "|" + o["id"]) for o in snap["objects"]}

    # §3–§5: strata by region (bytewise), class, tier; the city level is one region, the city code
    by_rc = {}
    for o in snap["objects"]:
        r = d["regions"][0] if level == "city" else o["region"]
        by_rc.setdefault((r, o["class"]), []).append(o)
    strata, selected = [], []
    rates = rules["rates"].get(level, {})
    for r in sorted(d["regions"], key=lambda s: s.encode("utf-8")):
        for c in CLASSES:
            rate = rates.get(c, 0)
            if not rate:
                continue
            for tier, quota, objs in quotas(by_rc.get((r, c), []), rate, rules, c in rules["tiered"]):
                credited = sum(1 for o in objs if o["excluded"] == "same-quarter")
                due = max(0, quota - credited) if v2 else quota
                pool = sorted((o for o in objs if o["excluded"] is None), key=lambda o: (key[o["id"]], o["id"]))
                take = pool[:min(due, len(pool))]
                s = {"region": r, "class": c, "tier": tier, "population": len(objs), "quota": quota,
                     "pool": len(pool), "selected": len(take)}
                if v2:
                    s["credited"] = credited
                strata.append(s)
                selected += [(o, r, c, tier, rank) for rank, o in enumerate(take, 1)]
    selected.sort(key=lambda t: (key[t[0]["id"]], t[0]["id"]))

    # §6: joint tasks (v1: over the whole draw; v2: per region of the tasks)
    groups = {}
    for t in selected:
        groups.setdefault(t[1] if v2 else "", []).append(t[0]["id"])
    joint = set()
    for ids in groups.values():
        n = min(len(ids), ceil_div(len(ids) * d["jointShare"], 10000))
        joint.update(sorted(ids, key=lambda i: (H(alg + "|joint|" + seed + "|" + i), i))[:n])

    team_rules = rules["team"]
    size, cap = team_rules["size"], team_rules["maxTasksPerInspector"]
    avoid = {(p, o) for p, o in snap["avoidance"]}
    load = {i["id"]: 0 for i in snap["inspectors"]}
    expert_industries = set(rules["experts"]["industries"])
    tasks = []
    for o, r, c, tier, rank in selected:
        oid = o["id"]
        if d["method"] in ("onsite", "offsite"):
            method = d["method"]
        else:
            offsite = c == "positive" or (o["offsite"] and rules["method"]["preferOffsite"])
            method = "offsite" if offsite else "onsite"
        cands = [i for i in snap["inspectors"]
                 if (i["region"] == o["region"] if level == "county"
                     else (i["region"] != o["region"] or not team_rules["crossRegionAtCity"]))
                 and (i["id"], oid) not in avoid and (cap <= 0 or load[i["id"]] < cap)]
        cands.sort(key=lambda i: (load[i["id"]], H(alg + "|insp|" + seed + "|" + oid + "|" + i["id"]), i["id"]))
        team = []
        if team_rules["matchSpecialty"] and o["industry"]:
            team += [i for i in cands if o["industry"] in i["specialties"]][:1]
        if not team:
            team += cands[:1]
        if oid in joint and team:
            team += [i for i in cands if i["line"] != team[0]["line"]][:1]
            if len(team) < 2:
                raise ValueError(oid + ": a joint task whose candidates all share one line")
        team += [i for i in cands if i not in team][:size - len(team)]
        if len(team) < size:
            raise ValueError(oid + ": fewer than %d candidates" % size)
        for i in team:
            load[i["id"]] += 1
        expert = None
        if o["industry"] and (o["industry"] in expert_industries or d["withExperts"]):
            ok = [e for e in snap["experts"] if o["industry"] in e["industries"] and (e["id"], oid) not in avoid]
            if ok:
                expert = min(ok, key=lambda e: (H(alg + "|expert|" + seed + "|" + oid + "|" + e["id"]), e["id"]))["id"]
        tasks.append({"objectId": oid, "region": r, "class": c, "tier": tier, "rank": rank, "key": key[oid],
                      "method": method, "joint": oid in joint, "inspectors": [i["id"] for i in team],
                      "expert": expert})
    return seed, snapshot_hash, strata, tasks, H(canonical(tasks))


def check(path):
    t0 = time.perf_counter()
    with open(path, "rb") as f:
        ev = json.loads(f.read().decode("utf-8"))
    t1 = time.perf_counter()
    seed, snapshot_hash, strata, tasks, result_hash = recompute(ev)
    t2 = time.perf_counter()
    got = {"seed": seed, "snapshotHash": snapshot_hash, "strata": strata, "tasks": tasks, "resultHash": result_hash}
    want = {"seed": ev["draw"].get("seed"), "snapshotHash": ev.get("snapshotHash"), "strata": ev.get("strata"),
            "tasks": ev.get("tasks"), "resultHash": ev.get("resultHash")}
    matches = {k: canonical(got[k]) == canonical(want[k]) for k in got}
    return {"file": path, "algorithm": ev.get("algorithm", "sj-draw/1"), "objects": len(ev["snapshot"]["objects"]),
            "tasks": len(tasks), "matches": matches, "ok": all(matches.values()),
            "readSecs": t1 - t0, "drawSecs": t2 - t1, "totalSecs": t2 - t0}, got, want


def first_difference(a, b):
    """Where two lists of records first differ, for the report."""
    for k in range(max(len(a), len(b))):
        x, y = (a[k] if k < len(a) else None), (b[k] if k < len(b) else None)
        if x != y:
            return "[%d]: recomputed %s, file %s" % (k, canonical(x), canonical(y))
    return ""


def main(argv):
    as_json = "--json" in argv
    paths = [a for a in argv if a != "--json"]
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    ok = True
    for p in paths:
        r, got, want = check(p)
        ok = ok and r["ok"]
        if as_json:
            print(json.dumps(r, ensure_ascii=False))
            continue
        print("%s (%s, %d objects, %d tasks): %s in %.2f s (read %.2f s, draw %.2f s)" % (
            p, r["algorithm"], r["objects"], r["tasks"], "match" if r["ok"] else "MISMATCH",
            r["totalSecs"], r["readSecs"], r["drawSecs"]))
        for k, m in r["matches"].items():
            if not m:
                detail = first_difference(got[k], want[k] or []) if k in ("strata", "tasks") else \
                    "recomputed %s, file %s" % (got[k], want[k])
                print("  %s differs: %s" % (k, detail))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
