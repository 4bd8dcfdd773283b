//! Views of the disclosure document (p. 10 "б", p. 47 "б"): text and Markdown to read or paste
//! into an application (Russian by default), and CSV for a spreadsheet (UTF-8, a header row,
//! stable English column names, the `holder` and `share` columns that `owngraph verify` reads
//! back). They compute nothing: every value is in [`DisclosureDocument`].

use std::fmt::Write;

use super::text::{policies, share, w};
use crate::law::check::ToolInfo;
use crate::law::disclosure::Branch;
use crate::law::disclosure_document::{Detail, DisclosureDocument, DisclosureLine};
use crate::law::policy::Policies;
use crate::law::wording::{Lang, Statement, kind_code, percent, rule, term};

/// The label of a detail.
fn detail_label(d: Detail, lang: Lang) -> &'static str {
    match d {
        Detail::Name => w(lang, "наименование (ФИО)", "name"),
        Detail::Inn => w(lang, "ИНН", "INN"),
        Detail::Ogrn => w(lang, "ОГРН", "OGRN"),
        Detail::Document => w(lang, "документ", "identity document"),
        Detail::Address => w(lang, "адрес", "address"),
    }
}

/// The details the input gives, then those it lacks: `ИНН 7700…; адрес: Москва; нет: документ`.
fn details(l: &DisclosureLine, lang: Lang) -> String {
    let h = &l.holder;
    let mut parts = Vec::new();
    for (d, v) in
        [(Detail::Inn, &h.inn), (Detail::Ogrn, &h.ogrn), (Detail::Document, &h.document), (Detail::Address, &h.address)]
    {
        if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
            let sep = if matches!(d, Detail::Inn | Detail::Ogrn) { " " } else { ": " };
            parts.push(format!("{}{sep}{v}", detail_label(d, lang)));
        }
    }
    if !l.missing_details.is_empty() {
        let missing: Vec<&str> = l.missing_details.iter().map(|&d| detail_label(d, lang)).collect();
        parts.push(format!("{}: {}", w(lang, "нет во входных данных", "not in the input"), missing.join(", ")));
    }
    parts.join("; ")
}

/// `Иванов Иван Иванович` (the p. 4 "е" details follow).
fn who(l: &DisclosureLine) -> String {
    l.holder.name.clone()
}

fn heading(d: &DisclosureDocument, lang: Lang) -> [String; 4] {
    [
        format!(
            "{} {} {}",
            w(lang, "Сведения о долях участия по", "Shares of participation under"),
            rule(d.rule, lang),
            w(lang, "Правил (ПП РФ № 1236)", "of the Rules (Decree 1236)")
        ),
        format!(
            "{}: {}, {} · {} {}",
            w(lang, "Правообладатель", "Rights holder"),
            d.target_label,
            term(kind_code(d.target_kind), lang),
            w(lang, "по состоянию на", "as of"),
            d.as_of
        ),
        format!(
            "{} {}: {} — {}",
            w(lang, "Вердикт по", "Verdict under"),
            rule(d.regime.rule(), lang),
            term(d.verdict.code(), lang),
            d.reason.render(lang)
        ),
        format!("{}: {}", w(lang, "Правило", "Rule"), d.branch_text.render(lang)),
    ]
}

/// The end of a report: its notes (each after `bullet`), the policies and the tool. A Markdown
/// bullet (`- `) makes the notes Markdown text ([`md_cell`]): they may name parties.
pub(crate) fn footer(out: &mut String, notes: &[Statement], p: &Policies, tool: &ToolInfo, lang: Lang, bullet: &str) {
    if !notes.is_empty() {
        let _ = writeln!(out, "\n{}:", w(lang, "Примечания", "Notes"));
        for n in notes {
            let note = n.render(lang);
            let note = if bullet == MD_BULLET { md_cell(&note) } else { note };
            let _ = writeln!(out, "{bullet}{note}");
        }
    }
    let _ = writeln!(out, "\n{}: {}", w(lang, "Политики", "Policies"), policies(p, lang));
    let _ = writeln!(out, "{} {}", tool.name, tool.version);
}

/// The document as text.
pub fn text(d: &DisclosureDocument, lang: Lang) -> String {
    let mut out = String::new();
    for line in heading(d, lang) {
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
    if d.branch == Branch::NotApplicable {
        let _ = writeln!(out, "{}", w(lang, "Перечень не составляется.", "There is no list."));
    } else {
        let _ = writeln!(
            out,
            "{} ({}):",
            w(lang, "Владельцы долей", "Holders of the shares"),
            w(lang, "сведения по ", "details under ").to_string() + &rule(d.details_rule, lang)
        );
        for l in &d.holders {
            let h = &l.holder;
            let _ = writeln!(
                out,
                "  {}. {} — {}; {} {}, {} {}",
                l.position,
                who(l),
                share(&h.share, lang),
                w(lang, "прямая", "direct"),
                percent(&h.direct, lang),
                w(lang, "косвенная", "indirect"),
                percent(&h.indirect, lang)
            );
            let mut about = l.basis.render(lang);
            let det = details(l, lang);
            if !det.is_empty() {
                about = format!("{about}; {det}");
            }
            let _ = writeln!(out, "     {about}");
        }
        let _ = writeln!(out, "  {}: {}", w(lang, "Итого", "Total"), share(&d.total, lang));
    }
    footer(&mut out, &d.notes, &d.policies, &d.tool, lang, "  - ");
    out
}

/// The bullet of a Markdown list.
const MD_BULLET: &str = "- ";

/// Input text as Markdown: no raw HTML, no links, no table breaks ([`super::safe::markdown`]).
fn md_cell(s: &str) -> String {
    super::safe::markdown(s)
}

/// The document as Markdown (a table to paste into an application).
pub fn markdown(d: &DisclosureDocument, lang: Lang) -> String {
    let mut out = String::new();
    let [title, holder, verdict, branch] = heading(d, lang);
    let _ = writeln!(out, "# {}\n", md_cell(&title));
    for line in [holder, verdict, branch] {
        let _ = writeln!(out, "{}  ", md_cell(&line));
    }
    out.push('\n');
    if d.branch != Branch::NotApplicable {
        let _ = writeln!(
            out,
            "| № | {} | {} ({}) | {} | {} | {} | {} |",
            w(lang, "Владелец доли", "Holder"),
            w(lang, "Сведения", "Details"),
            rule(d.details_rule, lang),
            w(lang, "Доля", "Share"),
            w(lang, "Дробь", "Fraction"),
            w(lang, "Прямая", "Direct"),
            w(lang, "Косвенная", "Indirect")
        );
        let _ = writeln!(out, "|---|---|---|---:|---:|---:|---:|");
        for l in &d.holders {
            let h = &l.holder;
            let about =
                [l.basis.render(lang), details(l, lang)].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                l.position,
                md_cell(&who(l)),
                md_cell(&about.join("; ")),
                percent(&h.share, lang),
                h.share,
                percent(&h.direct, lang),
                percent(&h.indirect, lang)
            );
        }
        let _ = writeln!(
            out,
            "| | **{}** | | **{}** | {} | | |",
            w(lang, "Итого", "Total"),
            percent(&d.total, lang),
            d.total
        );
    }
    footer(&mut out, &d.notes, &d.policies, &d.tool, lang, MD_BULLET);
    out
}

/// The CSV columns, in order: the holder's id first (rows are in disclosure order).
pub const CSV_COLUMNS: [&str; 19] = [
    "holder",
    "name",
    "share",
    "share_fraction",
    "direct",
    "direct_fraction",
    "indirect",
    "indirect_fraction",
    "kind",
    "above_five",
    "inn",
    "ogrn",
    "document",
    "address",
    "country",
    "basis",
    "missing_details",
    "branch",
    "rule",
];

/// The list as CSV: a header row ([`CSV_COLUMNS`]) and one row per holder, UTF-8 without a
/// byte order mark (the command adds one for files, see `owngraph disclose --bom`). Percents
/// are written `17.5%`, fractions `7/40`, so `holder,share` read back in `owngraph verify`.
pub fn csv(d: &DisclosureDocument) -> Result<String, csv::Error> {
    let mut wr = csv::Writer::from_writer(Vec::new());
    wr.write_record(CSV_COLUMNS)?;
    let pct = |f: &crate::fraction::Fraction| format!("{}%", f.percent(crate::fraction::PERCENT_DECIMALS));
    for l in &d.holders {
        let h = &l.holder;
        let missing: Vec<&str> = l.missing_details.iter().map(|m| m.as_str()).collect();
        let cells = [
            h.id.clone(),
            h.name.clone(),
            pct(&h.share),
            h.share.to_string(),
            pct(&h.direct),
            h.direct.to_string(),
            pct(&h.indirect),
            h.indirect.to_string(),
            h.kind.as_str().to_string(),
            h.above_five.to_string(),
            h.inn.clone().unwrap_or_default(),
            h.ogrn.clone().unwrap_or_default(),
            h.document.clone().unwrap_or_default(),
            h.address.clone().unwrap_or_default(),
            h.country.clone().unwrap_or_default(),
            l.basis.render(Lang::En),
            missing.join(" "),
            d.branch.as_str().to_string(),
            d.rule.to_string(),
        ];
        wr.write_record(cells.iter().map(|c| super::safe::csv_cell(c).into_owned()))?;
    }
    let bytes = wr.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8(bytes).unwrap_or_default())
}
