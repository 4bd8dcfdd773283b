//! EGRUL as the Federal Tax Service publishes it (issue 10): cuts of real open-data packages
//! (format 4.07, windows-1251, anonymised) and a hand-made package. Citizenship from СвГраждФЛ
//! decides the verdicts; repeated companies are their latest version; an inconsistent record is
//! quarantined and blocks exactly the answers it could change; directories and zip archives
//! read as the files do; malformed XML is exit 2 with line and column, never a panic.

use std::io::Write;
use std::path::Path;

use assert_cmd::Command;
use chrono::NaiveDate;
use owngraph::Fraction;
use owngraph::input::{self, LoadOptions, egrul};
use owngraph::model::{Country, Graph, Interest, PartyKind, quarantine};

const DIR: &str = "fixtures/egrul";
const P27: &str = "fixtures/egrul/fns-2025-11-27-cut.xml";
const P28: &str = "fixtures/egrul/fns-2025-11-28-cut.xml";
const P02: &str = "fixtures/egrul/fns-2025-11-02-cut.xml";
const P16: &str = "fixtures/egrul/fns-2025-11-16-cut.xml";
const HAND: &str = "fixtures/egrul/handmade-package.xml";

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 12, 1).unwrap()
}

fn load(paths: &[&str], options: egrul::Options) -> Graph {
    let paths: Vec<&Path> = paths.iter().map(Path::new).collect();
    input::load_inputs(&paths, &LoadOptions { as_of: date(), egrul: options }).unwrap()
}

fn bin() -> Command {
    Command::cargo_bin("owngraph").unwrap()
}

/// `check --format json` on the inputs: the verdict and share of each regime.
fn verdicts(inputs: &[&str], target: &str, extra: &[&str]) -> serde_json::Value {
    let out = bin()
        .arg("check")
        .args(inputs)
        .args(["--target", target, "--as-of", "2025-12-01", "--format", "json"])
        .args(extra)
        .assert()
        .code(0);
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

fn verdict(v: &serde_json::Value, regime: &str) -> String {
    v["regimes"][regime]["verdict"].as_str().unwrap().to_string()
}

fn capital(g: &Graph, from: &str, to: &str) -> Fraction {
    let (from, to) = (g.lookup(from).unwrap(), g.lookup(to).unwrap());
    g.outgoing(from)
        .filter(|(_, r)| r.to == to)
        .find_map(|(_, r)| match &r.interest() {
            Interest::Shares { capital, .. } => Some(capital.value().clone()),
            _ => None,
        })
        .unwrap()
}

#[test]
fn citizenship_comes_from_the_extract() {
    let g = load(&[P27, P28, P16, HAND], egrul::Options::default());
    let person = |id: &str| g.party(g.lookup(id).unwrap());
    // КодГражд 2: the ОКСМ country.
    let cn = person("900000000004");
    assert_eq!((cn.kind, cn.citizenship.to_vec()), (PartyKind::Person, vec![Country::parse("CN").unwrap()]));
    assert!(cn.citizenship_source().unwrap().contains("КодГражд 2, ОКСМ 156 (КИТАЙ)"));
    assert_eq!(person("900000000002").citizenship.as_slice(), [Country::parse("BY").unwrap()]);
    let kz = g.parties().iter().find(|p| p.citizenship.as_slice() == [Country::parse("KZ").unwrap()]).unwrap();
    assert!(kz.citizenship_source().unwrap().contains("ОКСМ 398"));
    // КодГражд 1.
    assert_eq!(person("900000000001").citizenship.as_slice(), [Country::RU]);
    // КодГражд 3: stateless.
    let lbg = person("900000000101");
    assert!(lbg.is_stateless() && lbg.citizenship.is_empty());
    // No СвГраждФЛ: unknown, unless --assume-citizenship fills it.
    assert_eq!(person("ФЛ:ФАМИЛИЯ3 ИМЯ3").kind, PartyKind::Unknown);
    let g = load(&[P27], egrul::Options { assume_citizenship: Some(Country::RU), strict: false });
    let assumed = g.party(g.lookup("ФЛ:ФАМИЛИЯ3 ИМЯ3").unwrap());
    assert_eq!(assumed.citizenship.as_slice(), [Country::RU]);
    assert!(assumed.citizenship_source().unwrap().contains("--assume-citizenship RU"));
    // Persons whose records state a citizenship keep it.
    assert_eq!(g.party(g.lookup("900000000004").unwrap()).citizenship.as_slice(), [Country::parse("CN").unwrap()]);
}

#[test]
fn two_citizens_of_china_fail_ru_and_pak_even_when_russian_is_assumed() {
    // 1165030051482: 51 % and 49 %, both КодГражд 2, ОКСМ 156.
    for extra in [&[][..], &["--assume-citizenship", "RU"][..]] {
        let v = verdicts(&[P27], "1165030051482", extra);
        assert_eq!(verdict(&v, "ru"), "not_eligible");
        assert_eq!(verdict(&v, "pak"), "not_eligible");
        assert_eq!(v["regimes"]["ru"]["share"]["fraction"], "0/1");
        let holder = &v["regimes"]["ru"]["holders"][0];
        assert_eq!(holder["share"]["fraction"], "51/100");
        assert!(holder["basis"]["text"].as_str().unwrap().contains("foreign citizen (CN); citizenship from: ЕГРЮЛ"));
    }
}

#[test]
fn a_foreign_controller_is_quoted_with_where_its_citizenship_comes_from() {
    let out = bin().arg("check").arg(P27).args(["--target", "1165030051482", "--as-of", "2025-12-01"]).assert().code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let control = text.split("Контролирующие лица:").nth(1).unwrap_or_default();
    assert!(
        control.contains("(иностранное лицо; гражданство по данным: ЕГРЮЛ, ОГРН 1165030051482, СвЮЛ[3]/СвУчредит/УчрФЛ[1]/СвГраждФЛ: КодГражд 2, ОКСМ 156 (КИТАЙ)"),
        "{text}"
    );
}

#[test]
fn a_citizen_of_belarus_makes_eaeu_eligible_and_ru_not() {
    let v = verdicts(&[P27], "1185027003776", &[]);
    assert_eq!(verdict(&v, "eaeu"), "eligible");
    assert_eq!(v["regimes"]["eaeu"]["share"]["fraction"], "1/1");
    assert_eq!(verdict(&v, "ru"), "not_eligible");
    assert_eq!(verdict(&v, "pak"), "not_eligible");
    // Kazakhstan likewise.
    let v = verdicts(&[P16], "1079901000299", &[]);
    assert_eq!((verdict(&v, "eaeu"), verdict(&v, "ru")), ("eligible".into(), "not_eligible".into()));
}

#[test]
fn a_stateless_founder_is_neither_russian_nor_eaeu_and_is_foreign() {
    let v = verdicts(&[HAND], "1250000000001", &[]);
    assert_eq!(
        (verdict(&v, "ru"), verdict(&v, "eaeu"), verdict(&v, "pak")),
        ("not_eligible".into(), "not_eligible".into(), "not_eligible".into())
    );
    let basis = v["regimes"]["ru"]["holders"][0]["basis"]["text"].as_str().unwrap();
    assert!(basis.starts_with("stateless person") && basis.contains("КодГражд 3"), "{basis}");
    assert_eq!(v["regimes"]["pak"]["controllers"][0]["foreign"], true);
}

#[test]
fn a_founder_without_citizenship_is_undisclosed_until_assumed() {
    // 1195081099113: a citizen of the RF 1/2 and a founder whose record says nothing 1/2.
    let v = verdicts(&[P27], "1195081099113", &[]);
    assert_eq!(verdict(&v, "ru"), "undetermined");
    assert_eq!(
        (v["regimes"]["ru"]["share"]["fraction"].as_str(), v["regimes"]["ru"]["upper"]["fraction"].as_str()),
        (Some("1/2"), Some("1/1"))
    );
    let v = verdicts(&[P27], "1195081099113", &["--assume-citizenship", "RU"]);
    assert_eq!(verdict(&v, "ru"), "eligible");
    let texts: Vec<String> = v["regimes"]["ru"]["holders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["basis"]["text"].as_str().unwrap().to_string())
        .collect();
    assert!(texts.iter().any(|t| t.contains("--assume-citizenship RU")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("КодГражд 1")), "{texts:?}");
}

#[test]
fn repeated_companies_are_their_latest_version_never_a_sum() {
    let g = load(&[P27, P28, HAND], egrul::Options::default());
    // Real: two documents each, the same founders: shares once.
    assert_eq!(capital(&g, "900000000001", "1195081099113"), Fraction::new(1, 2));
    let t = g.party(g.lookup("1047600411814").unwrap());
    assert!(t.notes().iter().any(|n| n.contains("2 версии") && n.contains("не сумма")), "{:?}", t.notes());
    let total: Fraction = g
        .incoming(g.lookup("1047600411814").unwrap())
        .filter_map(|(_, r)| match &r.interest() {
            Interest::Shares { capital, .. } => Some(capital.value().clone()),
            _ => None,
        })
        .sum();
    assert_eq!(total, Fraction::one());
    // Hand-made: the version of 2025-09-01 (two founders 1/2) beats the one of 2025-03-01
    // (one founder 1/1), though it comes first in the file.
    assert_eq!(capital(&g, "900000000102", "1250000000002"), Fraction::new(1, 2));
    assert_eq!(capital(&g, "900000000103", "1250000000002"), Fraction::new(1, 2));
    let v = g.party(g.lookup("1250000000002").unwrap());
    assert!(v.notes().iter().any(|n| n.contains("различаются")), "{:?}", v.notes());
    // As of a date before the later extract, the earlier version is the state.
    let paths = [Path::new(HAND)];
    let early = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    let g = input::load_inputs(&paths, &LoadOptions::at(early)).unwrap();
    assert_eq!(capital(&g, "900000000102", "1250000000002"), Fraction::one());
}

#[test]
fn every_founder_kind() {
    let g = load(&[P27, P02, HAND], egrul::Options::default());
    // A nonprofit founded by a region: the region forms its supreme body (governs 1/1).
    let np = g.lookup("1035003374262").unwrap();
    assert_eq!(g.party(np).kind, PartyKind::Nonprofit);
    let (_, r) = g.incoming(np).next().unwrap();
    assert_eq!(g.party(r.from).id, "region-50");
    assert!(matches!(&r.interest(), Interest::Governs { share } if *share.value() == Fraction::one()));
    assert!(g.party(np).notes().iter().any(|n| n.contains("высший орган")));
    // A municipality without НаимМО, named from its codes; a second one with a name.
    let school = g.lookup("1025401498550").unwrap();
    let founders: Vec<&str> = g.incoming(school).map(|(_, r)| g.party(r.from).id.as_str()).collect();
    assert_eq!(founders.len(), 2, "{founders:?}");
    let unnamed = g.party(g.lookup("municipality-54-1045402490100").unwrap());
    assert_eq!(unnamed.kind, PartyKind::Municipality);
    assert!(
        unnamed.name.contains("код региона 54") && unnamed.name.contains("МЭРИЯ ГОРОДА НОВОСИБИРСКА"),
        "{}",
        unnamed.name
    );
    // A region without a name.
    assert_eq!(g.party(g.lookup("region-77").unwrap()).name, "субъект Российской Федерации с кодом 77");
    // A unit investment fund: an undisclosed holder, its management company disposing of the votes.
    let fund = g.lookup("ПИФ:ЗПИФ КОМБИНИРОВАННЫЙ «ПРИМЕР»").unwrap();
    assert_eq!(g.party(fund).kind, PartyKind::Unknown);
    let uk = g.lookup("1027700000003").unwrap();
    assert!(
        g.outgoing(uk).any(|(_, r)| matches!(&r.interest(), Interest::VoteDisposal { of: Some(o), .. } if *o == fund))
    );
}

#[test]
fn a_quarantined_record_blocks_exactly_the_answers_it_could_change() {
    let g = load(&[HAND], egrul::Options::default());
    let q: Vec<&str> = g.quarantined().iter().map(|q| g.party(q.party).id.as_str()).collect();
    assert_eq!(q, ["1250000000003", "1250000000004", "1250000000005"]);
    let reason = |id: &str| g.quarantine_of(g.lookup(id).unwrap()).unwrap().reasons.join("; ");
    assert!(reason("1250000000003").contains("13/10 (130 %)"));
    assert!(reason("1250000000004").contains("listed twice"));
    assert!(reason("1250000000005").contains("its own founder"));
    assert!(reason("1250000000003").contains("line 56 column 6"), "{}", reason("1250000000003"));
    let blocked = |id: &str| quarantine::blocked_by(&g, g.lookup(id).unwrap());
    assert_eq!(blocked("1250000000006"), vec![g.lookup("1250000000003").unwrap()]);
    assert!(blocked("1250000000007").is_empty());
    // check on a blocked target: exit 2 naming the record; any other: answered with a note.
    bin()
        .args(["check", HAND, "--target", "1250000000006", "--as-of", "2025-12-01"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("1250000000003"))
        .stderr(predicates::str::contains("130 %"));
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("never.svg");
    for cmd in ["disclose", "render", "report"] {
        let mut c = bin();
        c.args([cmd, HAND, "--target", "1250000000006", "--as-of", "2025-12-01"]);
        if cmd == "render" {
            c.args(["-o", svg.to_str().unwrap()]);
        }
        c.assert().code(2).stderr(predicates::str::contains("quarantined"));
    }
    assert!(!svg.exists());
    let v = verdicts(&[HAND], "1250000000007", &[]);
    assert_eq!(verdict(&v, "ru"), "eligible");
    let notes = v["notes"].to_string();
    assert!(notes.contains("note.quarantine_elsewhere") && notes.contains("1250000000003"), "{notes}");
    // By ИНН as well as ОГРН.
    assert_eq!(verdicts(&[HAND], "7700000007", &[])["target"], "1250000000007");
    // --strict: all or nothing.
    bin()
        .args(["check", HAND, "--target", "1250000000007", "--strict", "--as-of", "2025-12-01"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("listed twice"));
}

#[test]
fn convert_writes_the_good_records_and_lists_the_quarantined() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g.json");
    bin()
        .args(["convert", HAND, "--as-of", "2025-12-01", "-o", out.to_str().unwrap()])
        .assert()
        .code(0)
        .stderr(predicates::str::contains("3 records quarantined"));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(doc["quarantined"].as_array().unwrap().len(), 3);
    assert!(doc["parties"].as_array().unwrap().iter().any(|p| p["id"] == "900000000101" && p["stateless"] == true));
    // The native file keeps the quarantine: the same answers.
    bin().args(["check", out.to_str().unwrap(), "--target", "1250000000006", "--as-of", "2025-12-01"]).assert().code(2);
    let v = verdicts(&[out.to_str().unwrap()], "1250000000001", &[]);
    assert_eq!(verdict(&v, "pak"), "not_eligible");
    bin().args(["convert", HAND, "--strict", "-o", dir.path().join("no.json").to_str().unwrap()]).assert().code(2);
    assert!(!dir.path().join("no.json").exists());
}

#[test]
fn screen_says_which_rows_could_not_be_answered() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rows.jsonl");
    bin()
        .args(["screen", HAND, "--all", "--as-of", "2025-12-01", "-o", out.to_str().unwrap()])
        .assert()
        .code(0)
        .stderr(predicates::str::contains("not answered: 4"));
    let rows: Vec<serde_json::Value> =
        std::fs::read_to_string(&out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let row = |id: &str| rows.iter().find(|r| r["target"] == id).unwrap();
    assert_eq!(row("1250000000006")["not_answered"]["records"][0]["id"], "1250000000003");
    assert_eq!(row("1250000000003")["not_answered"]["reason"], "quarantined");
    assert_eq!(row("1250000000007")["regimes"]["ru"]["verdict"], "eligible");
    let csv = dir.path().join("rows.csv");
    bin().args(["screen", HAND, "--all", "--as-of", "2025-12-01", "-o", csv.to_str().unwrap()]).assert().code(0);
    let text = std::fs::read_to_string(&csv).unwrap();
    let line = text.lines().find(|l| l.starts_with("1250000000006,")).unwrap();
    assert!(line.contains("not_answered: quarantined record") && line.contains(",,,,"), "{line}");
}

#[test]
fn directories_and_zip_archives_read_as_the_files() {
    let files = [P27, P28, P02, P16, HAND];
    let g = load(&files, egrul::Options::default());
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("packages");
    std::fs::create_dir(&sub).unwrap();
    let zip_path = dir.path().join("packages.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    for f in files {
        let name = Path::new(f).file_name().unwrap().to_str().unwrap();
        std::fs::copy(f, sub.join(name)).unwrap();
        zip.start_file(
            name,
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        zip.write_all(&std::fs::read(f).unwrap()).unwrap();
    }
    zip.finish().unwrap();
    for input in [sub.to_str().unwrap(), zip_path.to_str().unwrap()] {
        let h = load(&[input], egrul::Options::default());
        assert_eq!((h.len(), h.relations().len(), h.quarantined().len()), (g.len(), g.relations().len(), 3), "{input}");
    }
    let v = verdicts(&[zip_path.to_str().unwrap()], "1165030051482", &[]);
    assert_eq!(verdict(&v, "ru"), "not_eligible");
    assert!(Path::new(DIR).is_dir());
}

#[test]
fn malformed_xml_is_exit_2_with_line_and_column_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[u8], &str); 4] = [
        (b"<encoding=\xab", "line 1 column 11"),
        (
            b"<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<\xd4\xe0\xe9\xeb>\n  <a></b>\n</\xd4\xe0\xe9\xeb>",
            "line 3",
        ),
        (b"<EGRUL><\xd0\xa1\xd0\xb2\xd0\xae\xd0\x9b>", "ends before"),
        (b"<?xml version=\"1.0\" encoding=\"x-unknown\"?><a/>", "unknown XML encoding"),
    ];
    for (i, (bytes, expected)) in cases.iter().enumerate() {
        let p = dir.path().join(format!("p{i}.xml"));
        std::fs::write(&p, bytes).unwrap();
        for cmd in ["convert", "check"] {
            let mut c = bin();
            c.args([cmd, p.to_str().unwrap()]);
            if cmd == "check" {
                c.args(["--target", "x"]);
            }
            c.assert().code(2).stderr(predicates::str::contains(*expected));
        }
    }
}

/// Many texts are parsed at once and added in their order: the graph is the one reading them
/// one after the other gives (the same snapshot bytes), for files and for the members of an
/// archive, and the first problem in that order is the one reported.
#[test]
fn texts_parsed_at_once_give_what_reading_them_in_order_gives() {
    let files = [P02, P16, P27, P28, HAND, "fixtures/egrul/target.xml", "fixtures/egrul/holding.xml"];
    let mut order = egrul::Importer::new(egrul::Options::default(), date());
    for f in files.iter().chain(&files) {
        order.read(f, std::fs::File::open(f).unwrap()).unwrap();
    }
    let expected = input::snapshot::encode(&order.finish().unwrap());
    let twice: Vec<&str> = files.iter().chain(&files).copied().collect();
    assert_eq!(input::snapshot::encode(&load(&twice, egrul::Options::default())), expected);

    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("package.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    for (i, f) in twice.iter().enumerate() {
        zip.start_file(format!("{i:02}.xml"), zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(&std::fs::read(f).unwrap()).unwrap();
    }
    zip.finish().unwrap();
    let mut order = egrul::Importer::new(egrul::Options::default(), date());
    let name = zip_path.display().to_string();
    for (i, f) in twice.iter().enumerate() {
        order.read(&format!("{name}:{i:02}.xml"), std::fs::File::open(f).unwrap()).unwrap();
    }
    let zipped = load(&[name.as_str()], egrul::Options::default());
    assert_eq!(input::snapshot::encode(&zipped), input::snapshot::encode(&order.finish().unwrap()));

    // Problems: the first in the order of the inputs, whichever thread found it first.
    let empty_zip = dir.path().join("empty.zip");
    let mut empty = zip::ZipWriter::new(std::fs::File::create(&empty_zip).unwrap());
    empty.start_file("readme.txt", zip::write::SimpleFileOptions::default()).unwrap();
    empty.write_all(b"no XML here").unwrap();
    empty.finish().unwrap();
    let broken = "fixtures/egrul/not-well-formed.xml";
    let paths = [Path::new(P27), Path::new(broken), empty_zip.as_path(), Path::new(P28)];
    let options = LoadOptions { as_of: date(), egrul: egrul::Options::default() };
    let e = input::load_inputs(&paths, &options).unwrap_err().to_string();
    assert!(e.contains("not-well-formed.xml") && e.contains("line 5 column 6"), "{e}");
    let paths = [Path::new(P27), empty_zip.as_path(), Path::new(broken)];
    let e = input::load_inputs(&paths, &options).unwrap_err().to_string();
    assert!(e.contains("empty.zip") && e.contains("holds no .xml file"), "{e}");
}
