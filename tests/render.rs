//! `owngraph render` and `owngraph report` on the worked examples: the DOT text (nodes, edges,
//! labels, highlighted chains), the embedded SVG layout without Graphviz, `dot` when it is
//! installed, pruning, escaping of hostile names, and the self-contained HTML report.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

mod common;
use predicates::prelude::*;
use sha2::{Digest, Sha256};

const DATE: &str = "2026-01-01";

fn fixture(n: u32) -> PathBuf {
    PathBuf::from(format!("fixtures/example-{n:02}.json"))
}

fn owngraph() -> Command {
    Command::cargo_bin("owngraph").expect("binary")
}

/// Runs `render` to `out` and returns the file's text.
fn render(input: &Path, out: &Path, extra: &[&str]) -> String {
    owngraph()
        .arg("render")
        .arg(input)
        .args(["--target", "T", "--as-of", DATE, "-o"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
    std::fs::read_to_string(out).expect("output written")
}

fn dot_of(n: u32, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    render(&fixture(n), &dir.path().join("d.dot"), extra)
}

/// The attribute list of the edge `from -> to` in DOT text.
fn edge<'a>(dot: &'a str, from: &str, to: &str) -> &'a str {
    let head = format!("\"{from}\" -> \"{to}\" [");
    let line = dot.lines().find(|l| l.trim_start().starts_with(&head));
    line.unwrap_or_else(|| panic!("no edge {from} -> {to} in\n{dot}"))
}

fn node<'a>(dot: &'a str, id: &str) -> &'a str {
    let head = format!("\"{id}\"[");
    dot.lines().find(|l| l.trim_start().starts_with(&head)).unwrap_or_else(|| panic!("no node {id} in\n{dot}"))
}

const GREEN: &str = "color=\"#2e9e4f:#652eb1:#2e9e4f\"";
const RED: &str = "#d32f2f:";
const PURPLE: &str = "color=\"#652eb1\"";

#[test]
fn dot_of_example_1_has_every_holder_share_and_the_qualifying_chains() {
    let dot = dot_of(1, &[]);
    for id in ["T", "ivanov", "A", "F", "petrov", "smith", "sidorov"] {
        node(&dot, id);
    }
    assert!(node(&dot, "T").contains("peripheries=\"2\""));
    assert!(node(&dot, "ivanov").contains("shape=\"ellipse\""));
    assert!(node(&dot, "A").contains("shape=\"box\""));
    assert!(node(&dot, "F").contains("label=\"F\\nCY\\n✱ иностранное лицо\""));
    assert!(node(&dot, "petrov").contains("доля 17,5 %\\n✓ учитывается · ≡ в перечне № 3"));
    // Qualifying holders green, the foreign one red, intermediate companies yellow.
    assert!(node(&dot, "sidorov").contains("fillcolor=\"#b9e4c9\""));
    assert!(node(&dot, "smith").contains("fillcolor=\"#f7c1c1\""));
    assert!(node(&dot, "A").contains("fillcolor=\"#fff4c2\""));
    assert!(edge(&dot, "ivanov", "T").contains("<B>40 %</B>"));
    assert!(edge(&dot, "A", "T").contains("<B>35 %</B>"));
    assert!(edge(&dot, "sidorov", "F").contains("<B>100 %</B>"));
    assert!(edge(&dot, "smith", "A").contains(">50 %<"));
    // The chains of the qualifying holders stand out; Smith's share does not.
    for (a, b) in [("ivanov", "T"), ("petrov", "A"), ("A", "T"), ("sidorov", "F"), ("F", "T")] {
        assert!(edge(&dot, a, b).contains(GREEN), "{a} -> {b}");
    }
    assert!(edge(&dot, "smith", "A").contains(PURPLE));
    // Pen width grows with the share.
    assert!(edge(&dot, "sidorov", "F").contains("penwidth=\"6.00\""));
    assert!(edge(&dot, "ivanov", "T").contains("penwidth=\"3.00\""));
    assert!(dot.contains("п. 5 «а»: СООТВЕТСТВУЕТ — доля 82,5 % (33/40), интервал [82,5 %; 82,5 %]"));
    assert!(dot.contains("п. 5¹ «а»: СООТВЕТСТВУЕТ"));
    assert!(dot.contains("\"owngraph:legend\"[id=\"legend\""));
}

#[test]
fn dot_of_example_6_highlights_the_foreign_control_chain() {
    let dot = dot_of(6, &["--lang", "en"]);
    assert!(edge(&dot, "F", "R").contains(RED));
    assert!(edge(&dot, "R", "T").contains(RED));
    // F has no listed holders: its capital is an undisclosed, dotted remainder.
    let u = edge(&dot, "?F", "F");
    assert!(u.contains("style=\"dotted\"") && u.contains(">100 %<"));
    assert!(node(&dot, "?F").contains("shape=\"diamond\""));
    assert!(node(&dot, "?F").contains("undisclosed holders of\\nF"));
    // F is a foreign company that controls T: tagged, hatched at the corners, bold outline.
    let f = node(&dot, "F");
    assert!(f.contains("⚑ foreign control (1)") && f.contains("diagonals") && f.contains("penwidth=\"2.4\""), "{f}");
    assert!(dot.contains("p. 5¹ \\\"а\\\": NOT ELIGIBLE — controlled by the foreign person F"));
    assert!(dot.contains("[73.99 %; 100 %]"));
}

#[test]
fn dot_of_example_7_adds_up_the_foreign_votes() {
    let dot = dot_of(7, &["--regime", "pak"]);
    for (a, b) in [("F", "T"), ("F", "R"), ("R", "T")] {
        assert!(edge(&dot, a, b).contains(RED), "{a} -> {b}");
    }
    // Under pak, F (US company) is filled as foreign.
    assert!(node(&dot, "F").contains("fillcolor=\"#f7c1c1\""));
    assert!(!dot.contains("п. 5 «а»:"), "only the pak verdict is in the title");
}

#[test]
fn dot_of_example_8_shows_the_trust_management_as_control() {
    let dot = dot_of(8, &[]);
    let e = edge(&dot, "M", "T");
    assert!(e.contains("доверительное управление<BR/>60 % голосов (p)"), "{e}");
    assert!(e.contains("#349aee"), "a control edge is light blue: {e}");
    assert!(e.contains(RED), "M controls T: {e}");
}

#[test]
fn dot_of_examples_2_4_5_12_control_rights_cycles_treasury_and_governance() {
    let dot = dot_of(2, &["--lang", "en"]);
    let appoints = dot.lines().find(|l| l.contains("appoints the sole executive")).expect("appointment edge");
    assert!(appoints.contains(RED), "{appoints}");
    let dot = dot_of(4, &[]);
    let back = edge(&dot, "T", "H");
    assert!(back.contains("constraint=\"false\""), "the cycle edge is drawn back up: {back}");
    assert!(!edge(&dot, "H", "T").contains("constraint"));
    let dot = dot_of(5, &[]);
    assert!(edge(&dot, "T", "T").contains("собственные акции (доли)<BR/>10 %"));
    let dot = dot_of(12, &["--lang", "en"]);
    let governs = dot.lines().find(|l| l.contains("forms<BR/>100 % of the supreme body")).expect("governs edge");
    assert!(governs.contains("#349aee"));
    assert!(node(&dot, "N").contains("shape=\"octagon\""));
}

/// A structure with a hostile name: markup, quotes, ampersand, braces, a line break, a
/// backslash sequence `dot` would expand.
fn hostile(dir: &Path) -> PathBuf {
    let name = "<script>alert(1)</script> & \"Co\" {x}\nline2 \\N";
    let graph = serde_json::json!({
        "parties": [
            {"id": "T", "kind": "company", "country": "RU", "name": "T"},
            {"id": "evil\"id", "kind": "person", "citizenship": ["RU"], "name": name},
            {"id": "b", "kind": "person", "citizenship": ["DE"], "name": "B"}
        ],
        "relations": [
            {"type": "shares", "from": "evil\"id", "to": "T", "capital": "60%"},
            {"type": "shares", "from": "b", "to": "T", "capital": "40%"}
        ]
    });
    let path = dir.join("hostile.json");
    std::fs::write(&path, serde_json::to_string_pretty(&graph).unwrap()).unwrap();
    path
}

#[test]
fn hostile_names_are_text_in_dot() {
    let dir = tempfile::tempdir().unwrap();
    let dot = render(&hostile(dir.path()), &dir.path().join("h.dot"), &[]);
    // `&` as `&amp;`: `dot` reads entities in labels, and shows this one as `&`.
    let label = r#"label="<script>alert(1)</script>\n&amp; \"Co\" {x}\nline2 \\N\nRU\nдоля 60 %"#;
    assert!(dot.contains(label), "{dot}");
    assert!(edge(&dot, "evil\\\"id", "T").contains("<B>60 %</B>"));
    // graphviz-rust reads it back with exactly one node per party.
    let parsed = graphviz_rust::parse(&dot).expect("valid DOT");
    let graphviz_rust::dot_structures::Graph::DiGraph { stmts, .. } = parsed else { panic!("a digraph") };
    let nodes: Vec<String> = stmts
        .iter()
        .filter_map(|s| match s {
            graphviz_rust::dot_structures::Stmt::Node(n) => Some(format!("{:?}", n.id.0)),
            _ => None,
        })
        .collect();
    assert_eq!(nodes.iter().filter(|n| !n.contains("owngraph:legend")).count(), 3, "{nodes:?}");
    // And so does Graphviz, where it is installed.
    if owngraph::report::dot::find_dot().is_some() {
        let svg = owngraph::report::dot::run_dot(&dot, owngraph::report::dot::Output::Svg).expect("dot runs");
        let svg = String::from_utf8(svg).unwrap();
        assert_eq!(svg.matches("<title>evil&quot;id</title>").count(), 1, "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!svg.contains("<script"));
    }
}

#[test]
fn hostile_names_are_text_in_svg() {
    let dir = tempfile::tempdir().unwrap();
    let svg = render(&hostile(dir.path()), &dir.path().join("h.svg"), &["--layout", "embedded"]);
    assert!(!svg.contains("<script"));
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && svg.contains("&amp; &quot;Co&quot; {x}"));
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let texts: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
    let all = texts.join("\n");
    assert!(all.contains("<script>alert(1)</script>\n& \"Co\" {x}\nline2 \\N"), "{texts:?}");
    assert!(doc.descendants().all(|n| !n.has_tag_name("script")));
}

#[test]
fn hostile_names_are_text_in_html() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("h.html");
    owngraph()
        .arg("report")
        .arg(hostile(dir.path()))
        .args(["--target", "T", "--as-of", DATE, "--layout", "embedded", "-o"])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(&out).unwrap();
    assert_eq!(html.to_lowercase().matches("<script").count(), 1, "only the report's own script");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot; {x} line2 \\N"));
    assert_no_network(&html);
}

/// A `PATH` with no `dot` on it.
fn no_dot_path(dir: &Path) -> PathBuf {
    let p = dir.join("empty-path");
    std::fs::create_dir_all(&p).unwrap();
    p
}

#[test]
fn without_graphviz_every_worked_example_is_a_valid_svg_by_the_embedded_layout() {
    let dir = tempfile::tempdir().unwrap();
    let path = no_dot_path(dir.path());
    for n in 1..=12 {
        let out = dir.path().join(format!("e{n}.svg"));
        owngraph()
            .env("PATH", &path)
            .arg("render")
            .arg(fixture(n))
            .args(["--target", "T", "--as-of", DATE, "-o"])
            .arg(&out)
            .assert()
            .success();
        let svg = std::fs::read_to_string(&out).unwrap();
        assert!(svg.contains("<!-- owngraph: layout by the embedded layered layout (no Graphviz) -->"));
        assert!(svg.contains("раскладка: встроенная послойная раскладка owngraph"));
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("example {n}: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
    }
}

#[test]
fn png_and_pdf_without_graphviz_fail_naming_the_package_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = no_dot_path(dir.path());
    for ext in ["png", "pdf"] {
        let out = dir.path().join(format!("x.{ext}"));
        owngraph()
            .env("PATH", &path)
            .arg("render")
            .arg(fixture(1))
            .args(["--target", "T", "-o"])
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("graphviz").and(predicate::str::contains("apt-get install graphviz")));
        assert!(!out.exists());
    }
    let out = dir.path().join("x.svg");
    owngraph()
        .env("PATH", &path)
        .arg("render")
        .arg(fixture(1))
        .args(["--target", "T", "--layout", "dot", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("graphviz"));
    assert!(!out.exists());
}

#[test]
fn an_unknown_extension_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    owngraph()
        .arg("render")
        .arg(fixture(1))
        .args(["--target", "T", "-o"])
        .arg(dir.path().join("x.jpeg"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".dot, .svg, .png or .pdf"));
}

#[test]
fn with_graphviz_installed_dot_draws_svg_png_and_pdf() {
    let Some(_) = owngraph::report::dot::find_dot() else {
        common::tool_missing("Graphviz `dot`", "graphviz");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let svg = render(&fixture(7), &dir.path().join("d.svg"), &[]);
    assert!(svg.contains("<!-- owngraph: layout by Graphviz dot -->"));
    assert!(svg.contains("Graphviz (dot)"));
    roxmltree::Document::parse(&svg).expect("well-formed SVG from dot");
    let dir2 = dir.path();
    for (ext, magic) in [("png", &b"\x89PNG"[..]), ("pdf", &b"%PDF"[..])] {
        let out = dir2.join(format!("d.{ext}"));
        owngraph().arg("render").arg(fixture(7)).args(["--target", "T", "-o"]).arg(&out).assert().success();
        assert!(std::fs::read(&out).unwrap().starts_with(magic), "{ext}");
    }
}

/// T held by C1 50 %, B 29.9 %, C5 0.1 % and 100 persons with 0.2 % each; C1 held through a
/// chain of four companies by P, C5 through a chain of four companies by Q.
fn wide_and_deep(dir: &Path) -> PathBuf {
    let mut parties = vec![
        serde_json::json!({"id": "T", "kind": "company", "country": "RU"}),
        serde_json::json!({"id": "B", "kind": "person", "citizenship": ["RU"]}),
        serde_json::json!({"id": "P", "kind": "person", "citizenship": ["RU"]}),
        serde_json::json!({"id": "Q", "kind": "person", "citizenship": ["RU"]}),
    ];
    let mut relations = vec![
        serde_json::json!({"type": "shares", "from": "C1", "to": "T", "capital": "50%"}),
        serde_json::json!({"type": "shares", "from": "B", "to": "T", "capital": "29.9%"}),
        serde_json::json!({"type": "shares", "from": "C5", "to": "T", "capital": "0.1%"}),
        serde_json::json!({"type": "shares", "from": "P", "to": "C4", "capital": "100%"}),
        serde_json::json!({"type": "shares", "from": "Q", "to": "C8", "capital": "100%"}),
    ];
    for k in 1..=8 {
        parties.push(serde_json::json!({"id": format!("C{k}"), "kind": "company", "country": "RU"}));
        if k % 4 != 0 {
            relations.push(serde_json::json!({"type": "shares", "from": format!("C{}", k + 1), "to": format!("C{k}"), "capital": "100%"}));
        }
    }
    for k in 0..100 {
        parties.push(serde_json::json!({"id": format!("p{k}"), "kind": "person", "citizenship": ["RU"]}));
        relations.push(serde_json::json!({"type": "shares", "from": format!("p{k}"), "to": "T", "capital": "0.2%"}));
    }
    let path = dir.join("wide.json");
    std::fs::write(&path, serde_json::json!({"parties": parties, "relations": relations}).to_string()).unwrap();
    path
}

#[test]
fn large_structures_are_pruned_and_say_what_was_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let input = wide_and_deep(dir.path());
    // Default: more than 60 parties, so the smallest threshold that fits (0.5 %: the 0.2 %
    // holders and Q go, with the companies that carry only Q's share), and the picture says so.
    let dot = render(&input, &dir.path().join("a.dot"), &[]);
    assert!(dot.contains(
        "101 держателей с долей менее 0,5 % не показаны, с ними 4 промежуточных организаций (автоматически;"
    ));
    assert!(dot.contains("--min-share 0)"), "{dot}");
    assert!(!dot.contains("\"p7\"[") && !dot.contains("\"Q\"[") && !dot.contains("\"C5\"["));
    // The rights holder says how many of its holders are not drawn and what they hold.
    assert!(node(&dot, "T").contains("▲ ещё 101 участник: 20,1 % капитала"), "{}", node(&dot, "T"));
    // The largest holder P and its chain always stay.
    for id in ["P", "C4", "C3", "C2", "C1", "B"] {
        node(&dot, id);
    }
    // --min-share 0 shows everyone.
    let dot = render(&input, &dir.path().join("b.dot"), &["--min-share", "0", "--lang", "en"]);
    assert!(dot.contains("\"p7\"[") && dot.contains("\"Q\"[") && !dot.contains("not shown"));
    // --depth cuts Q's chain above C6 and marks where; P's chain stays whatever the depth.
    let dot = render(&input, &dir.path().join("c.dot"), &["--min-share", "0", "--depth", "2", "--lang", "en"]);
    assert!(dot.contains("3 parties more than 2 relations above the rights holder not shown"), "{dot}");
    assert!(node(&dot, "C6").contains("▲ 1 more holder: 100 % of capital"), "{}", node(&dot, "C6"));
    assert!(!dot.contains("\"C7\"[") && !dot.contains("\"Q\"["));
    node(&dot, "P");
    node(&dot, "C4");
    // An explicit threshold applies to every structure, and keeps the holders the disclosure
    // lists (D, 4 %, is on the list of example 10; G, 2 %, is not).
    let dot = render(&fixture(10), &dir.path().join("d.dot"), &["--min-share", "4%", "--lang", "en"]);
    assert!(dot.contains("1 holders below 4 % not shown"), "{dot}");
    assert!(dot.contains("\"D\"[") && dot.contains("\"E\"[") && !dot.contains("\"G\"["));
    // The embedded SVG of the wide structure is well formed.
    let svg = render(&input, &dir.path().join("a.svg"), &["--layout", "embedded"]);
    roxmltree::Document::parse(&svg).expect("well-formed");
}

#[test]
fn the_report_is_one_self_contained_file_with_verdicts_hash_and_date() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.html");
    owngraph()
        .arg("report")
        .arg(fixture(6))
        .args(["--target", "T", "--as-of", DATE, "--lang", "en", "--layout", "embedded", "-o"])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(&out).unwrap();
    let sha: String = Sha256::digest(std::fs::read(fixture(6)).unwrap()).iter().map(|b| format!("{b:02x}")).collect();
    assert!(html.contains(&sha));
    assert!(html.contains("<dt>As of</dt><dd>2026-01-01</dd>"));
    for text in [
        "<span class=\"verdict eligible\">ELIGIBLE</span>",
        "<span class=\"verdict not_eligible\">NOT ELIGIBLE</span>",
        "controlled by the foreign person F",
        "Russian software register, p. 5 &quot;а&quot;",
        "Ultimate holders",
        "Disclosure under p. 10 &quot;б&quot;",
        "Controllers",
        "P1 dual citizens: russian",
        "<svg",
        "layout: owngraph&#39;s embedded layered layout",
    ] {
        assert!(html.contains(text), "missing {text}");
    }
    assert_no_network(&html);
}

/// Nothing in the page can fetch: one inline script (whose SHA-256 the CSP names), no links,
/// imports, external URLs or sources; a CSP forbids loading anything; the only `http` strings
/// are XML namespace names.
fn assert_no_network(html: &str) {
    let low = html.to_lowercase();
    for bad in ["<link", "@import", "src=", "href=", "<iframe", "<object", "<embed", "<img", "fetch(", "xmlhttprequest"]
    {
        assert!(!low.contains(bad), "{bad}");
    }
    assert!(low.contains("content-security-policy\" content=\"default-src 'none'"));
    // The one script runs by its hash: the CSP names the SHA-256 of exactly this text.
    let start = html.rfind("<script>").expect("the report's script") + "<script>".len();
    let end = html[start..].find("</script>").expect("closed") + start;
    let digest = Sha256::digest(&html.as_bytes()[start..end]);
    let b64 = base64(&digest);
    assert!(html.contains(&format!("script-src 'sha256-{b64}'")), "CSP names the script's hash");
    assert_eq!(low.matches("<script").count(), 1);
    for (i, _) in low.match_indices("url(") {
        assert!(low[i + 4..].starts_with('#'), "only local references: {}", &low[i..i + 30]);
    }
    for (i, _) in low.match_indices("http:").chain(low.match_indices("https:")) {
        let before = &low[i.saturating_sub(12)..i];
        assert!(before.contains("xmlns") || before.contains("xlink"), "external address near {}", &low[i..i + 40]);
    }
}

/// Base64 (standard, padded), for comparing the CSP hash.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            out.push(if k <= c.len() { ABC[(n >> (18 - 6 * k) & 63) as usize] as char } else { '=' });
        }
    }
    out
}

#[test]
fn the_report_with_dot_is_self_contained_too() {
    if owngraph::report::dot::find_dot().is_none() {
        common::tool_missing("Graphviz `dot`", "graphviz");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.html");
    owngraph().arg("report").arg(fixture(9)).args(["--target", "T", "-o"]).arg(&out).assert().success();
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("раскладка: Graphviz (dot)") && html.contains("НЕ ОПРЕДЕЛЕНО"));
    assert!(!html.contains("<?xml") && !html.contains("<!DOCTYPE svg"));
    assert_no_network(&html);
}

#[test]
fn bad_input_or_an_unknown_target_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"parties\": [{\"id\": \"T\", \"kind\": \"company\"}], \"relations\": []}").unwrap();
    for (input, target, cmd, ext) in [
        (bad.clone(), "T", "render", "svg"),
        (bad.clone(), "T", "report", "html"),
        (fixture(1), "X", "render", "dot"),
        (fixture(1), "X", "report", "html"),
    ] {
        let out = dir.path().join(format!("out.{ext}"));
        owngraph()
            .arg(cmd)
            .arg(&input)
            .args(["--target", target, "-o"])
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("owngraph: error:"));
        assert!(!out.exists(), "{cmd} {target}");
    }
}
