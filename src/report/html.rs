//! The report the expert council files (p. 5 "а", p. 42 "а", p. 5¹ "а", p. 10 "б"): one
//! self-contained HTML file that needs no network when opened (inline CSS, SVG and one script,
//! no fonts or images from elsewhere, a Content-Security-Policy that forbids loading anything
//! and runs only the script whose SHA-256 it names), readable on screen and printable. It
//! shows the verdict of each regime with its reason and rule point, the diagram, the ultimate
//! holders, the disclosure, the control evidence, the warnings, the policies, and the input
//! file's SHA-256 and the date of the analysis.
//!
//! On screen the diagram can be zoomed and panned, searched by name, ИНН or ОГРН, thinned by a
//! share threshold, a company's holders collapsed (double click), and a click on a holder (in
//! the diagram or in a table) highlights every chain that carries its share and every control
//! chain it heads. Printed, it is the static document: every page names the rights holder and
//! is numbered.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::svg::escape;
use super::text::{
    deciding_text, disclosure_details, holder_name, named, policies, rule_point, say, share, status_word, target_line,
    w,
};
use super::words::{short_percent, short_share};
use crate::law::check::CheckReport;
use crate::law::control::{ControlAssessment, chain_text_with, describe_step_with};
use crate::law::participation::{ParticipationAssessment, describe_chain_with};
use crate::law::verdict::Verdict;
use crate::law::wording::{Lang, Statement, term};

/// Where the analysis came from, so the council can file it.
#[derive(Clone, Debug)]
pub struct Provenance {
    /// The input file as given on the command line.
    pub file: String,
    /// SHA-256 of the input file, lowercase hex.
    pub sha256: String,
}

const CSS: &str = r#"
:root { --ok: #1e7b3a; --bad: #b3261e; --open: #9a6700; --line: #d0d4da; --muted: #5b6470; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: #1b1f24; margin: 0 auto; max-width: 1180px; padding: 24px 28px 48px; line-height: 1.45; font-size: 14px; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 14.5px; margin: 18px 0 6px; }
.subject { font-size: 16px; margin: 0 0 12px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; font-size: 13px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
code, .mono { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 12.5px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 7px; text-align: left; vertical-align: top; }
th { background: #f3f5f8; font-weight: 600; }
td { overflow-wrap: anywhere; }
#verdicts table { table-layout: fixed; }
#verdicts th:nth-child(1) { width: 34%; }
#verdicts th:nth-child(2) { width: 13.6em; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.frac { text-align: right; font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 11.5px; word-break: break-all; min-width: 6em; max-width: 16em; }
.verdict { display: inline-block; font-weight: 700; padding: 1px 8px; border-radius: 4px; color: #fff; white-space: nowrap; word-break: keep-all; }
.verdict.eligible { background: var(--ok); }
.verdict.not_eligible { background: var(--bad); }
.verdict.undetermined { background: var(--open); }
.status-qualifying { color: var(--ok); }
.status-not_qualifying { color: var(--bad); }
.status-unknown { color: var(--open); }
figure { margin: 8px 0; border: 1px solid var(--line); border-radius: 6px; padding: 6px; }
.viewport { overflow: auto; }
.viewport svg { max-width: 100%; height: auto; display: block; margin: 0 auto; }
figcaption { font-size: 12px; color: var(--muted); margin-top: 4px; }
ul.chains { margin: 2px 0 8px; padding-left: 20px; font-size: 12.5px; }
ul.plain { padding-left: 20px; }
.note { color: var(--muted); font-size: 12.5px; }
.warn { border-left: 4px solid var(--open); background: #fff8e6; padding: 6px 10px; margin: 6px 0; }
footer { margin-top: 32px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 8px; }
.toolbar, .details, .hint { display: none; }
html.js .toolbar { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; font-size: 13px; margin: 4px 0 6px; }
html.js .toolbar button { font: inherit; padding: 2px 9px; border: 1px solid #9aa3ad; background: #f6f7f9; border-radius: 4px; cursor: pointer; }
html.js .toolbar input[type=search] { font: inherit; width: 19em; padding: 2px 6px; }
html.js .details { display: block; white-space: pre-line; font-size: 12.5px; min-height: 2.6em; background: #f6f7f9; border-radius: 4px; padding: 4px 8px; margin-top: 4px; }
html.js .hint { display: block; }
html.js .viewport svg { width: 100%; height: auto; max-height: 78vh; max-width: none; cursor: grab; touch-action: none; }
html.js .viewport svg:active { cursor: grabbing; }
svg .node { cursor: pointer; }
svg .gone { display: none; }
svg.focus .node:not(.sel):not(.hl-node), svg.focus .edge:not(.hl-share):not(.hl-control), svg.focus .halo:not(.hl-share):not(.hl-control), svg.focus .label:not(.hl-share):not(.hl-control) { opacity: 0.28; }
svg .node.sel > :is(polygon, ellipse, rect, path), svg .node.match > :is(polygon, ellipse, rect, path) { stroke: #0b57d0; stroke-width: 3.5px; }
svg .hl-share path, svg path.hl-share { stroke-width: 5px; }
svg .hl-control path, svg path.hl-control { stroke: #d32f2f; }
svg .node.collapsed > :is(polygon, ellipse, rect, path) { stroke-dasharray: 6 3; stroke-width: 3px; }
tr[data-party] { cursor: pointer; }
tr.sel td { background: #e8f0fe; }
@page { size: A4; margin: 16mm 12mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; margin-top: 16px; }
  tr, li, .warn { break-inside: avoid; }
  figure { border: none; padding: 0; break-inside: avoid; }
  .toolbar, .details, .hint { display: none !important; }
  html.js .viewport svg, .viewport svg { width: 100%; height: auto; max-height: 96mm; }
  h1 { font-size: 15pt; }
  .subject { font-size: 11pt; margin-bottom: 6px; }
  dl.meta, #verdicts table { font-size: 8.5pt; }
  th, td { padding: 2px 5px; }
  svg .gone { display: inline; }
  svg.focus .node, svg.focus .edge, svg.focus .halo, svg.focus .label { opacity: 1 !important; }
  .verdict { -webkit-print-color-adjust: exact; print-color-adjust: exact; font-size: 8pt; padding: 0 4px; }
  #verdicts th:nth-child(1) { width: 30%; }
  #verdicts th:nth-child(2) { width: 14.5em; }
  footer { margin-top: 12px; }
}
"#;

/// The script the report runs (zoom, pan, search, threshold, collapse, chains).
const SCRIPT: &str = include_str!("assets/report.js");

/// Base64 of `bytes` (standard alphabet, padded), for the CSP hash.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The Content-Security-Policy: nothing is loaded; the one inline script runs by its hash.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{}'; base-uri 'none'; form-action 'none'",
        base64(&Sha256::digest(SCRIPT.as_bytes()))
    )
}

/// A CSS string literal: everything but letters, digits and spaces as an escape, so no text
/// can end the string or the style element.
fn css_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if c.is_alphanumeric() && !c.is_control() || c == ' ' {
            out.push(c);
        } else if !c.is_control() {
            out.push_str(&format!("\\{:x} ", c as u32));
        }
    }
    out.push('"');
    out
}

fn table_head(out: &mut String, headers: &[&str]) {
    out.push_str("<table><thead><tr>");
    for h in headers {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead><tbody>\n");
}

fn verdict_badge(v: Verdict, lang: Lang) -> String {
    format!("<span class=\"verdict {}\">{}</span>", v.as_str(), escape(term(v.code(), lang)))
}

fn statements(out: &mut String, title: &str, items: &[Statement], r: &CheckReport, lang: Lang, class: &str) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h3>{}</h3>", escape(title));
    for s in items {
        let _ = writeln!(out, "<p class=\"{class}\">{}</p>", escape(&say(s, r, lang)));
    }
}

/// The share and interval for a badge or a title: short shares.
fn interval(a: &ParticipationAssessment, lang: Lang) -> String {
    format!(
        "{}; {} [{}; {}]",
        short_share(&a.share, lang),
        w(lang, "интервал", "interval"),
        short_percent(&a.share, lang),
        short_percent(&a.upper, lang)
    )
}

/// `<tr data-party="…">` when the row is a party of the diagram.
fn row_for(party: Option<&str>) -> String {
    match party {
        Some(id) => format!("<tr data-party=\"{}\">", escape(id)),
        None => "<tr>".to_string(),
    }
}

fn participation(
    out: &mut String,
    r: &CheckReport,
    a: &ParticipationAssessment,
    lang: Lang,
    code: &'static str,
    anchor: &str,
) {
    let _ = writeln!(out, "<section id=\"{anchor}\"><h2>{}</h2>", escape(term(code, lang)));
    let _ = writeln!(
        out,
        "<p>{} {} — {}</p>",
        escape(&rule_point(a.rule, lang)),
        verdict_badge(a.verdict, lang),
        escape(&say(&a.reason, r, lang))
    );
    let _ = writeln!(
        out,
        "<p>{}: {}; {} [{}; {}]</p>",
        escape(w(lang, "Доля квалифицирующих лиц", "Share of qualifying holders")),
        escape(&share(&a.share, lang)),
        escape(w(lang, "интервал", "interval")),
        escape(&short_percent(&a.share, lang)),
        escape(&short_percent(&a.upper, lang))
    );
    if !a.deciding.is_empty() {
        let _ = writeln!(
            out,
            "<p>{}: {}</p>",
            escape(w(lang, "Решают нераскрытые держатели", "Decided by undisclosed holders")),
            escape(&deciding_text(a, lang))
        );
    }
    if !a.holders.is_empty() {
        let _ = writeln!(out, "<h3>{}</h3>", escape(w(lang, "Конечные владельцы", "Ultimate holders")));
        table_head(
            out,
            &[
                w(lang, "Лицо", "Holder"),
                w(lang, "Статус", "Status"),
                w(lang, "Основание", "Basis"),
                w(lang, "Доля", "Share"),
                w(lang, "Прямая", "Direct"),
                w(lang, "Косвенная", "Indirect"),
                w(lang, "Дробь", "Fraction"),
            ],
        );
        for h in &a.holders {
            let name = holder_name(h, lang);
            let _ = writeln!(
                out,
                "{}<td>{}</td><td class=\"status-{}\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"frac\">{}</td></tr>",
                row_for(h.holder.party_id()),
                escape(&name),
                h.status.as_str(),
                escape(status_word(h.status, lang)),
                escape(&say(&h.basis, r, lang)),
                escape(&short_percent(&h.share, lang)),
                escape(&short_percent(&h.direct, lang)),
                escape(&short_percent(&h.indirect, lang)),
                escape(&h.share.to_string())
            );
        }
        out.push_str("</tbody></table>\n");
        let _ = writeln!(out, "<h3>{}</h3>", escape(w(lang, "Цепочки", "Chains")));
        for h in &a.holders {
            let _ = writeln!(out, "<p><b>{}</b></p><ul class=\"chains\">", escape(&holder_name(h, lang)));
            for c in &h.chains {
                let _ = writeln!(
                    out,
                    "<li>{}</li>",
                    escape(&describe_chain_with(c, h.holder.is_undisclosed(), lang, &named(r)))
                );
            }
            if h.unlisted.is_positive() {
                let what = if h.chains_complete {
                    w(lang, "по цепочкам, проходящим через циклы", "through walks round cycles")
                } else {
                    w(lang, "по цепочкам, которые не показаны, и циклам", "through chains not shown and cycles")
                };
                let _ = writeln!(out, "<li>+ {} {}</li>", escape(&short_percent(&h.unlisted, lang)), escape(what));
            }
            out.push_str("</ul>\n");
        }
    }
    let d = &a.disclosure;
    if !d.holders.is_empty() || d.branch != crate::law::disclosure::Branch::NotApplicable {
        let _ = writeln!(
            out,
            "<h3>{} {}</h3><p>{}</p>",
            escape(w(lang, "Раскрытие по", "Disclosure under")),
            escape(&rule_point(d.rule, lang)),
            escape(&say(&d.branch_text, r, lang))
        );
        if !d.holders.is_empty() {
            table_head(
                out,
                &[
                    "№",
                    w(lang, "Лицо", "Holder"),
                    w(lang, "Доля", "Share"),
                    w(lang, "Прямая / косвенная", "Direct / indirect"),
                    w(lang, "Сведения (п. 4 «е»)", "Details (p. 4 \"е\")"),
                ],
            );
            for (i, h) in d.holders.iter().enumerate() {
                let mut details = disclosure_details(h, lang);
                if let Some(c) = &h.country {
                    details.push(format!("{} {c}", w(lang, "страна", "country")));
                }
                let _ = writeln!(
                    out,
                    "{}<td class=\"num\">{}</td><td>{}</td><td class=\"frac\">{}</td><td class=\"num\">{} / {}</td><td>{}</td></tr>",
                    row_for(Some(&h.id)),
                    i + 1,
                    escape(&h.name),
                    escape(&share(&h.share, lang)),
                    escape(&short_percent(&h.direct, lang)),
                    escape(&short_percent(&h.indirect, lang)),
                    escape(&details.join("; "))
                );
            }
            out.push_str("</tbody></table>\n");
        }
        let _ = writeln!(out, "<p>{}: {}</p>", escape(w(lang, "Итого", "Total")), escape(&share(&d.total, lang)));
    }
    if !a.nonprofits.is_empty() {
        let _ = writeln!(
            out,
            "<h3>{}</h3><ul class=\"plain\">",
            escape(w(lang, "Некоммерческие организации", "Nonprofits"))
        );
        for n in &a.nonprofits {
            let _ = writeln!(
                out,
                "<li>{}: {} — {}</li>",
                escape(&r.name_of(&n.id)),
                escape(status_word(n.status, lang)),
                escape(&say(&n.basis, r, lang))
            );
        }
        out.push_str("</ul>\n");
    }
    statements(out, w(lang, "Примечания", "Notes"), &a.notes, r, lang, "note");
    out.push_str("</section>\n");
}

fn control(out: &mut String, r: &CheckReport, a: &ControlAssessment, lang: Lang) {
    let _ = writeln!(out, "<section id=\"pak\"><h2>{}</h2>", escape(term("regime.pak", lang)));
    let _ = writeln!(
        out,
        "<p>{} {} — {}</p>",
        escape(&rule_point(a.rule, lang)),
        verdict_badge(a.verdict, lang),
        escape(&say(&a.reason, r, lang))
    );
    if a.controllers.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", escape(w(lang, "Контролирующих лиц нет.", "No controllers.")));
    } else {
        let _ = writeln!(out, "<h3>{}</h3>", escape(w(lang, "Контролирующие лица", "Controllers")));
        table_head(
            out,
            &[
                w(lang, "Лицо", "Party"),
                w(lang, "Иностранное", "Foreign"),
                w(lang, "Признаки", "Indicators"),
                w(lang, "Цепочка и расчёт", "Chain and arithmetic"),
            ],
        );
        for c in &a.controllers {
            let f = if c.foreign { w(lang, "да", "yes") } else { w(lang, "нет", "no") };
            let inds: Vec<&str> = c.indicators.iter().map(|i| term(i.code(), lang)).collect();
            let steps: Vec<String> = c.steps.iter().map(|s| escape(&describe_step_with(s, lang, &named(r)))).collect();
            let chain: Vec<String> = c.chain.iter().map(|id| r.name_of(id)).collect();
            let _ = writeln!(
                out,
                "{}<td>{}</td><td>{}</td><td>{}</td><td>{}<br>{}</td></tr>",
                row_for(Some(&c.id)),
                escape(&r.name_of(&c.id)),
                escape(f),
                escape(&inds.join("; ")),
                escape(&chain.join(" → ")),
                steps.join("<br>")
            );
        }
        out.push_str("</tbody></table>\n");
    }
    if !a.potential_controllers.is_empty() {
        let _ = writeln!(
            out,
            "<h3>{}</h3><ul class=\"plain\">",
            escape(w(
                lang,
                "Могли бы контролировать через нераскрытое (голоса, влияние без указания объёма)",
                "Could control through what is undisclosed (votes, influence of unstated extent)"
            ))
        );
        for p in &a.potential_controllers {
            let who = match &p.id {
                Some(id) => r.name_of(id),
                None => term("control.hypothetical", lang).to_string(),
            };
            let steps: Vec<String> = p.steps.iter().map(|s| escape(&describe_step_with(s, lang, &named(r)))).collect();
            let _ = writeln!(
                out,
                "<li>{}: {}<br>{}</li>",
                escape(&who),
                escape(&chain_text_with(&p.chain, lang, &named(r))),
                steps.join("<br>")
            );
        }
        out.push_str("</ul>\n");
    }
    statements(out, w(lang, "Предупреждения", "Warnings"), &a.warnings, r, lang, "warn");
    out.push_str("</section>\n");
}

/// The controls above the diagram (shown only when the script runs).
fn toolbar(lang: Lang) -> String {
    let mut t = String::from("<div class=\"toolbar\" role=\"toolbar\">");
    let _ = write!(
        t,
        "<label>{} <input type=\"search\" id=\"diagram-search\" placeholder=\"{}\"></label> <span id=\"diagram-found\"></span>",
        escape(w(lang, "Найти", "Find")),
        escape(w(lang, "наименование, ИНН или ОГРН", "name, INN or OGRN"))
    );
    let _ = write!(
        t,
        "<label>{} <input type=\"range\" id=\"diagram-threshold\" min=\"0\" max=\"25\" step=\"0.1\" value=\"0\"> <span id=\"diagram-threshold-value\"{}>0 %</span></label>",
        escape(w(lang, "Порог доли", "Share threshold")),
        if lang == Lang::Ru { " data-comma=\"1\"" } else { "" }
    );
    for (id, label) in [
        ("diagram-zoom-in", "+"),
        ("diagram-zoom-out", "−"),
        ("diagram-fit", w(lang, "Весь граф", "Fit")),
        ("diagram-collapse", w(lang, "Свернуть / развернуть участников", "Collapse / expand holders")),
        ("diagram-expand", w(lang, "Показать всё", "Show all")),
    ] {
        let _ = write!(t, "<button type=\"button\" id=\"{id}\">{}</button>", escape(label));
    }
    let _ = write!(t, "<span>{} <span id=\"diagram-count\"></span></span>", escape(w(lang, "узлов:", "nodes:")));
    t.push_str("</div>");
    t
}

/// The whole report. `diagram_svg` is an SVG this crate drew (it is inlined as is), `caption`
/// names the layout that drew it.
pub fn render(r: &CheckReport, diagram_svg: &str, caption: &str, source: &Provenance, lang: Lang) -> String {
    let mut out = String::new();
    let html_lang = match lang {
        Lang::Ru => "ru",
        Lang::En => "en",
    };
    let subject = target_line(r, lang);
    let heading = w(lang, "Владение и контроль правообладателя", "Ownership and control of a rights holder");
    let _ = writeln!(out, "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">");
    let _ = writeln!(out, "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">", content_security_policy());
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<meta name=\"generator\" content=\"{} {}\">", r.tool.name, r.tool.version);
    let _ = writeln!(out, "<title>{} — {}</title>", escape(heading), escape(&subject));
    // Every printed page names the rights holder and is numbered.
    let page = w(lang, "стр.", "page");
    let of = w(lang, "из", "of");
    let page_css = format!(
        "@page {{ @top-left {{ content: {}; font-size: 8pt; color: #5b6470; }} @top-right {{ content: {}; font-size: 8pt; color: #5b6470; }} @bottom-right {{ content: {} counter(page) {} counter(pages); font-size: 8pt; color: #5b6470; }} }}",
        css_string(&subject),
        css_string(&format!("{} {}", w(lang, "по состоянию на", "as of"), r.as_of)),
        css_string(&format!("{page} ")),
        css_string(&format!(" {of} "))
    );
    let _ = writeln!(out, "<style>{CSS}{page_css}\n</style>\n</head>\n<body>");
    let _ = writeln!(out, "<header><h1>{}</h1>", escape(heading));
    let _ = writeln!(out, "<p class=\"subject\"><b>{}</b></p>", escape(&subject));
    out.push_str("<dl class=\"meta\">\n");
    for (k, v, mono) in [
        (w(lang, "По состоянию на", "As of"), r.as_of.clone(), false),
        (w(lang, "Входной файл", "Input file"), source.file.clone(), true),
        ("SHA-256", source.sha256.clone(), true),
        (w(lang, "Лиц / связей", "Parties / relations"), format!("{} / {}", r.graph.parties, r.graph.relations), false),
        (w(lang, "Политики", "Policies"), policies(&r.policies, lang), false),
        (
            w(lang, "Программа", "Tool"),
            format!(
                "{} {} {}",
                r.tool.name,
                r.tool.version,
                w(lang, "· точная рациональная арифметика", "· exact rational arithmetic")
            ),
            false,
        ),
    ] {
        let class = if mono { " class=\"mono\"" } else { "" };
        let _ = writeln!(out, "<dt>{}</dt><dd{class}>{}</dd>", escape(k), escape(&v));
    }
    out.push_str("</dl></header>\n");

    // Verdicts at a glance.
    let _ = writeln!(out, "<section id=\"verdicts\"><h2>{}</h2>", escape(w(lang, "Вердикты", "Verdicts")));
    table_head(
        &mut out,
        &[w(lang, "Требование", "Requirement"), w(lang, "Вердикт", "Verdict"), w(lang, "Основание", "Reason")],
    );
    for (a, code) in [(&r.regimes.ru, "regime.ru"), (&r.regimes.eaeu, "regime.eaeu")] {
        if let Some(a) = a {
            // An undetermined verdict's row leads to the largest undisclosed holder deciding it.
            let cited = a.deciding.iter().find_map(|h| h.party_id());
            let _ = writeln!(
                out,
                "{}<td>{}</td><td>{}</td><td>{}<br><span class=\"note\">{}</span></td></tr>",
                row_for(cited),
                escape(term(code, lang)),
                verdict_badge(a.verdict, lang),
                escape(&say(&a.reason, r, lang)),
                escape(&interval(a, lang))
            );
        }
    }
    if let Some(a) = &r.regimes.pak {
        // The row leads to the controller it cites (a foreign one first).
        let cited = a.controllers.iter().find(|c| c.foreign).or(a.controllers.first()).map(|c| c.id.as_str());
        let _ = writeln!(
            out,
            "{}<td>{}</td><td>{}</td><td>{}</td></tr>",
            row_for(cited),
            escape(term("regime.pak", lang)),
            verdict_badge(a.verdict, lang),
            escape(&say(&a.reason, r, lang))
        );
    }
    out.push_str("</tbody></table></section>\n");

    let _ = writeln!(
        out,
        "<section id=\"diagram\"><h2>{}</h2>{}<figure id=\"diagram-view\"><div class=\"viewport\">\n{}\n</div><div class=\"details\" id=\"diagram-details\" data-empty=\"{}\">{}</div><figcaption>{}<span class=\"hint\"> {}</span></figcaption></figure></section>",
        escape(w(lang, "Схема владения и контроля", "Ownership and control diagram")),
        toolbar(lang),
        diagram_svg.trim(),
        escape(w(
            lang,
            "Нажмите на лицо, чтобы увидеть его цепочки и сведения.",
            "Click a party to see its chains and details."
        )),
        escape(w(
            lang,
            "Нажмите на лицо, чтобы увидеть его цепочки и сведения.",
            "Click a party to see its chains and details."
        )),
        escape(caption),
        escape(w(
            lang,
            "Колесо мыши — масштаб, перетаскивание — сдвиг, двойной щелчок по организации — свернуть или развернуть её участников; строки таблиц ниже ведут к лицам на схеме.",
            "Wheel to zoom, drag to pan, double-click a company to collapse or expand its holders; the rows of the tables below lead to the parties on the diagram.",
        ))
    );
    if let Some(a) = &r.regimes.ru {
        participation(&mut out, r, a, lang, "regime.ru", "ru");
    }
    if let Some(a) = &r.regimes.eaeu {
        participation(&mut out, r, a, lang, "regime.eaeu", "eaeu");
    }
    if let Some(a) = &r.regimes.pak {
        control(&mut out, r, a, lang);
    }
    if !r.notes.is_empty() || !r.graph.cycles.is_empty() {
        let _ = writeln!(out, "<section id=\"notes\">");
        statements(&mut out, w(lang, "Примечания к анализу", "Notes on the analysis"), &r.notes, r, lang, "note");
        out.push_str("</section>\n");
    }
    let _ = writeln!(
        out,
        "<footer>{}: {} · SHA-256 <span class=\"mono\">{}</span> · {} {} · {}</footer>",
        escape(w(lang, "По состоянию на", "As of")),
        escape(&r.as_of),
        escape(&source.sha256),
        r.tool.name,
        r.tool.version,
        escape(w(lang, "отчёт не загружает ничего из сети", "this report loads nothing from the network"))
    );
    let _ = writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_css_strings() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(css_string("ООО «А» \"x\"</style>"), "\"ООО \\ab А\\bb  \\22 x\\22 \\3c \\2f style\\3e \"");
    }

    #[test]
    fn the_script_has_no_closing_tag() {
        assert!(!SCRIPT.contains("</script"));
    }
}
