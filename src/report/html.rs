//! The report the expert council files (p. 5 "а", p. 42 "а", p. 5¹ "а", p. 10 "б"): one
//! self-contained HTML file that needs no network when opened (inline CSS and SVG, no scripts,
//! no fonts or images from elsewhere, a Content-Security-Policy that forbids loading anything),
//! readable on screen and printable. It shows the verdict of each regime with its reason and
//! rule point, the diagram, the ultimate holders, the disclosure, the control evidence, the
//! warnings, the policies, and the input file's SHA-256 and the date of the analysis.

use std::fmt::Write as _;

use super::diagram::kind_code;
use super::svg::escape;
use super::text::{deciding_text, disclosure_details, holder_name, policies, rule_point, share, status_word, w};
use crate::law::check::CheckReport;
use crate::law::control::{ControlAssessment, chain_text, describe_step};
use crate::law::participation::{ParticipationAssessment, describe_chain};
use crate::law::verdict::Verdict;
use crate::law::wording::{Lang, Statement, percent, term};

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
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: #1b1f24; margin: 0 auto; max-width: 1100px; padding: 24px 28px 48px; line-height: 1.45; font-size: 14px; background: #fff; }
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
#verdicts th:nth-child(1) { width: 36%; }
#verdicts th:nth-child(2) { width: 19%; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.verdict { display: inline-block; font-weight: 700; padding: 1px 8px; border-radius: 4px; color: #fff; white-space: nowrap; }
.verdict.eligible { background: var(--ok); }
.verdict.not_eligible { background: var(--bad); }
.verdict.undetermined { background: var(--open); }
.status-qualifying { color: var(--ok); }
.status-not_qualifying { color: var(--bad); }
.status-unknown { color: var(--open); }
figure { margin: 8px 0; overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; padding: 6px; }
figure svg { max-width: 100%; height: auto; display: block; margin: 0 auto; }
figcaption { font-size: 12px; color: var(--muted); margin-top: 4px; }
ul.chains { margin: 2px 0 8px; padding-left: 20px; font-size: 12.5px; }
ul.plain { padding-left: 20px; }
.note { color: var(--muted); font-size: 12.5px; }
.warn { border-left: 4px solid var(--open); background: #fff8e6; padding: 6px 10px; margin: 6px 0; }
footer { margin-top: 32px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  tr, li, .warn { break-inside: avoid; }
  figure { border: none; overflow: visible; break-inside: avoid; }
  .verdict { -webkit-print-color-adjust: exact; print-color-adjust: exact; white-space: normal; }
}
"#;

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

fn statements(out: &mut String, title: &str, items: &[Statement], lang: Lang, class: &str) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h3>{}</h3>", escape(title));
    for s in items {
        let _ = writeln!(out, "<p class=\"{class}\">{}</p>", escape(&s.render(lang)));
    }
}

fn interval(a: &ParticipationAssessment, lang: Lang) -> String {
    format!(
        "{}; {} [{}; {}]",
        share(&a.share, lang),
        w(lang, "интервал", "interval"),
        percent(&a.share, lang),
        percent(&a.upper, lang)
    )
}

fn participation(out: &mut String, a: &ParticipationAssessment, lang: Lang, code: &'static str, anchor: &str) {
    let _ = writeln!(out, "<section id=\"{anchor}\"><h2>{}</h2>", escape(term(code, lang)));
    let _ = writeln!(
        out,
        "<p>{} {} — {}</p>",
        escape(&rule_point(a.rule, lang)),
        verdict_badge(a.verdict, lang),
        escape(&a.reason_in(lang))
    );
    let _ = writeln!(
        out,
        "<p>{}: {}</p>",
        escape(w(lang, "Доля квалифицирующих лиц", "Share of qualifying holders")),
        escape(&interval(a, lang))
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
                "<tr><td>{}</td><td class=\"status-{}\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num mono\">{}</td></tr>",
                escape(&name),
                h.status.as_str(),
                escape(status_word(h.status, lang)),
                escape(&h.basis.render(lang)),
                escape(&percent(&h.share, lang)),
                escape(&percent(&h.direct, lang)),
                escape(&percent(&h.indirect, lang)),
                escape(&h.share.to_string())
            );
        }
        out.push_str("</tbody></table>\n");
        let _ = writeln!(out, "<h3>{}</h3>", escape(w(lang, "Цепочки", "Chains")));
        for h in &a.holders {
            let _ = writeln!(out, "<p><b>{}</b></p><ul class=\"chains\">", escape(&holder_name(h, lang)));
            for c in &h.chains {
                let _ = writeln!(out, "<li>{}</li>", escape(&describe_chain(c, h.holder.is_undisclosed(), lang)));
            }
            if h.unlisted.is_positive() {
                let what = if h.chains_complete {
                    w(lang, "по цепочкам, проходящим через циклы", "through walks round cycles")
                } else {
                    w(lang, "по цепочкам, которые не показаны, и циклам", "through chains not shown and cycles")
                };
                let _ = writeln!(out, "<li>+ {} {}</li>", escape(&percent(&h.unlisted, lang)), escape(what));
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
            escape(&d.branch_text.render(lang))
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
                    "<tr><td class=\"num\">{}</td><td>{} ({})</td><td class=\"num\">{}</td><td class=\"num\">{} / {}</td><td>{}</td></tr>",
                    i + 1,
                    escape(&h.name),
                    escape(&h.id),
                    escape(&share(&h.share, lang)),
                    escape(&percent(&h.direct, lang)),
                    escape(&percent(&h.indirect, lang)),
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
                escape(&n.id),
                escape(status_word(n.status, lang)),
                escape(&n.basis.render(lang))
            );
        }
        out.push_str("</ul>\n");
    }
    statements(out, w(lang, "Примечания", "Notes"), &a.notes, lang, "note");
    out.push_str("</section>\n");
}

fn control(out: &mut String, a: &ControlAssessment, lang: Lang) {
    let _ = writeln!(out, "<section id=\"pak\"><h2>{}</h2>", escape(term("regime.pak", lang)));
    let _ = writeln!(
        out,
        "<p>{} {} — {}</p>",
        escape(&rule_point(a.rule, lang)),
        verdict_badge(a.verdict, lang),
        escape(&a.reason_in(lang))
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
            let steps: Vec<String> = c.steps.iter().map(|s| escape(&describe_step(s, lang))).collect();
            let name = if c.name != c.id { format!("{} ({})", c.name, c.id) } else { c.id.clone() };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}<br>{}</td></tr>",
                escape(&name),
                escape(f),
                escape(&inds.join("; ")),
                escape(&c.chain.join(" → ")),
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
                Some(id) => id.clone(),
                None => term("control.hypothetical", lang).to_string(),
            };
            let steps: Vec<String> = p.steps.iter().map(|s| escape(&describe_step(s, lang))).collect();
            let _ =
                writeln!(out, "<li>{}: {}<br>{}</li>", escape(&who), escape(&chain_text(&p.chain)), steps.join("<br>"));
        }
        out.push_str("</ul>\n");
    }
    statements(out, w(lang, "Предупреждения", "Warnings"), &a.warnings, lang, "warn");
    out.push_str("</section>\n");
}

/// The whole report. `diagram_svg` is an SVG this crate drew (it is inlined as is), `caption`
/// names the layout that drew it.
pub fn render(r: &CheckReport, diagram_svg: &str, caption: &str, source: &Provenance, lang: Lang) -> String {
    let mut out = String::new();
    let html_lang = match lang {
        Lang::Ru => "ru",
        Lang::En => "en",
    };
    let subject =
        if r.target_name != r.target { format!("{} ({})", r.target_name, r.target) } else { r.target.clone() };
    let country = r.target_country.map(|c| format!(", {c}")).unwrap_or_default();
    let heading = w(lang, "Владение и контроль правообладателя", "Ownership and control of a rights holder");
    let _ = writeln!(out, "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<meta name=\"generator\" content=\"{} {}\">", r.tool.name, r.tool.version);
    let _ = writeln!(out, "<title>{} — {}</title>", escape(heading), escape(&subject));
    let _ = writeln!(out, "<style>{CSS}</style>\n</head>\n<body>");
    let _ = writeln!(out, "<header><h1>{}</h1>", escape(heading));
    let _ = writeln!(
        out,
        "<p class=\"subject\"><b>{}</b> · {}{}</p>",
        escape(&subject),
        escape(term(kind_code(r.target_kind), lang)),
        escape(&country)
    );
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
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}<br><span class=\"note\">{}</span></td></tr>",
                escape(term(code, lang)),
                verdict_badge(a.verdict, lang),
                escape(&a.reason_in(lang)),
                escape(&interval(a, lang))
            );
        }
    }
    if let Some(a) = &r.regimes.pak {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(term("regime.pak", lang)),
            verdict_badge(a.verdict, lang),
            escape(&a.reason_in(lang))
        );
    }
    out.push_str("</tbody></table></section>\n");

    let _ = writeln!(
        out,
        "<section id=\"diagram\"><h2>{}</h2><figure>\n{}\n<figcaption>{}</figcaption></figure></section>",
        escape(w(lang, "Схема владения и контроля", "Ownership and control diagram")),
        diagram_svg.trim(),
        escape(caption)
    );
    if let Some(a) = &r.regimes.ru {
        participation(&mut out, a, lang, "regime.ru", "ru");
    }
    if let Some(a) = &r.regimes.eaeu {
        participation(&mut out, a, lang, "regime.eaeu", "eaeu");
    }
    if let Some(a) = &r.regimes.pak {
        control(&mut out, a, lang);
    }
    if !r.notes.is_empty() || !r.graph.cycles.is_empty() {
        let _ = writeln!(out, "<section id=\"notes\">");
        statements(&mut out, w(lang, "Примечания к анализу", "Notes on the analysis"), &r.notes, lang, "note");
        out.push_str("</section>\n");
    }
    let _ = writeln!(
        out,
        "<footer>{}: {} · SHA-256 <span class=\"mono\">{}</span> · {} {} · {}</footer>\n</body>\n</html>",
        escape(w(lang, "По состоянию на", "As of")),
        escape(&r.as_of),
        escape(&source.sha256),
        r.tool.name,
        r.tool.version,
        escape(w(lang, "отчёт не загружает ничего из сети", "this report loads nothing from the network"))
    );
    out
}
