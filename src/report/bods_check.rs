//! The text report of the BODS indirect-share check (Tax Code art. 105.2 p. 3 arithmetic applied
//! to a BODS file's declared indirect interests): per declared interest, the declared share,
//! what the component chain gives, the outcome and the chains that prove it. Russian by default.

use std::fmt::Write;

use crate::input::bods::ShareRange;
use crate::law::bods_check::{
    BodsCheckReport, Bound, ChainBasis, CheckStatus, IndirectCheck, Interval, LinkBasis, Named,
};
use crate::law::wording::{Lang, percent};
use crate::report::text::{share, w};

fn interval(i: &Interval, lang: Lang) -> String {
    if i.is_point() {
        share(&i.lower, lang)
    } else {
        format!("{} {} {} {}", w(lang, "от", "from"), share(&i.lower, lang), w(lang, "до", "to"), share(&i.upper, lang))
    }
}

fn factor(i: &Interval, lang: Lang) -> String {
    if i.is_point() {
        percent(&i.lower, lang)
    } else {
        format!("[{} … {}]", percent(&i.lower, lang), percent(&i.upper, lang))
    }
}

fn declared(r: &ShareRange, lang: Lang) -> String {
    if r.is_exact() {
        return share(&r.lower, lang);
    }
    let lo =
        if r.lower_exclusive { w(lang, "более", "more than") } else { w(lang, "не менее", "at least") };
    let hi = if r.upper_exclusive { w(lang, "менее", "less than") } else { w(lang, "не более", "at most") };
    format!("{lo} {}, {hi} {}", share(&r.lower, lang), share(&r.upper, lang))
}

fn who(n: &Named) -> String {
    if n.name == n.id { n.id.clone() } else { format!("{} ({})", n.name, n.id) }
}

fn status(s: CheckStatus, lang: Lang) -> &'static str {
    match s {
        CheckStatus::Confirmed => w(lang, "ПОДТВЕРЖДЕНА", "CONFIRMED"),
        CheckStatus::Consistent => w(lang, "НЕ ПРОТИВОРЕЧИТ ЦЕПОЧКЕ, НО НЕ ПОДТВЕРЖДЕНА", "CONSISTENT, NOT CONFIRMED"),
        CheckStatus::Discrepancy => w(lang, "РАСХОЖДЕНИЕ", "DISCREPANCY"),
        CheckStatus::NoShare => w(lang, "НЕ ПРОВЕРЯЛАСЬ: доля не заявлена", "NOT CHECKED: no share declared"),
        CheckStatus::NoChain => w(
            lang,
            "НЕ ПРОВЕРЯЛАСЬ: нет цепочки от заинтересованного лица к субъекту",
            "NOT CHECKED: no chain leads from the interested party to the subject",
        ),
    }
}

fn one(out: &mut String, n: usize, c: &IndirectCheck, lang: Lang) {
    let _ = writeln!(
        out,
        "{n}. {} → {}: {} ({}), {} {}",
        who(&c.interested_party),
        who(&c.subject),
        c.interest_type,
        w(lang, "косвенно", "indirect"),
        w(lang, "заявлено", "declared"),
        c.declared.as_ref().map(|d| declared(d, lang)).unwrap_or_else(|| "—".into()),
    );
    let _ = writeln!(out, "   {}: {}", w(lang, "Запись", "Record"), c.record_id);
    if let Some(comp) = &c.computed {
        let basis = match c.basis {
            ChainBasis::Components => w(lang, "по componentRecords", "from componentRecords"),
            ChainBasis::WholeFile => w(
                lang,
                "componentRecords нет: по всем прямым связям файла",
                "no componentRecords: from every direct relationship of the file",
            ),
        };
        let _ = writeln!(out, "   {} ({basis}): {}", w(lang, "Цепочка даёт", "The chain gives"), interval(comp, lang));
    }
    let _ = writeln!(out, "   {}: {}", w(lang, "Итог", "Outcome"), status(c.status, lang));
    let unstated: Vec<String> = c
        .links
        .iter()
        .filter(|l| l.basis == LinkBasis::NotStated)
        .map(|l| format!("{} → {} ({})", who(&l.holder), who(&l.held), l.record_id))
        .collect();
    if !unstated.is_empty() && c.status != CheckStatus::NoShare {
        let _ = writeln!(
            out,
            "   {}: {}",
            w(lang, "Звенья без заявленной доли этого вида", "Links without a stated share of this kind"),
            unstated.join("; ")
        );
    }
    for l in c.links.iter().filter(|l| l.basis == LinkBasis::StateBody) {
        let _ = writeln!(
            out,
            "   {}: {} → {}",
            w(
                lang,
                "Государственный орган считается самим государством (100 %)",
                "A state body counts as the state itself (100 %)"
            ),
            who(&l.holder),
            who(&l.held)
        );
    }
    match c.at_bound {
        Some(Bound::Upper) => {
            let _ = writeln!(
                out,
                "   {}",
                w(
                    lang,
                    "Заявленная доля — верхняя граница: она верна, только если каждое звено без доли равно 100 %",
                    "The declared share is the upper bound: it holds only if every link without a share is 100 %"
                )
            );
        }
        Some(Bound::Lower) => {
            let _ = writeln!(
                out,
                "   {}",
                w(
                    lang,
                    "Заявленная доля — нижняя граница: она верна, только если каждое звено без доли равно 0",
                    "The declared share is the lower bound: it holds only if every link without a share is 0"
                )
            );
        }
        None => {}
    }
    if let Some(i) = &c.implied {
        let _ = writeln!(
            out,
            "   {} {} {} {} {}",
            w(lang, "Заявленная доля следует из цепочки, если", "The declared share follows if"),
            who(&i.holder),
            w(lang, "владеет", "holds"),
            share(&i.share, lang),
            match lang {
                Lang::Ru => format!("в {}", who(&i.held)),
                Lang::En => format!("of {}", who(&i.held)),
            }
        );
    }
    if !c.missing_components.is_empty() {
        let _ = writeln!(
            out,
            "   {}: {}",
            w(lang, "Компоненты, которых нет в файле на эту дату", "Components not in the file on this date"),
            c.missing_components.join(", ")
        );
    }
    if !c.chains.is_empty() {
        let _ = writeln!(out, "   {}:", w(lang, "Цепочки", "Chains"));
        for ch in &c.chains {
            let names: Vec<&str> = ch.parties.iter().map(|p| p.name.as_str()).collect();
            let factors: Vec<String> = ch.factors.iter().map(|f| factor(f, lang)).collect();
            let _ =
                writeln!(out, "     {}: {} = {}", names.join(" → "), factors.join(" × "), factor(&ch.product, lang));
        }
        if c.chains_truncated {
            let _ = writeln!(out, "     {}", w(lang, "… (показаны не все цепочки)", "… (not every chain is listed)"));
        }
    }
}

/// The report as text.
pub fn render(report: &BodsCheckReport, file: &str, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}",
        w(
            lang,
            "Проверка заявленных косвенных долей (BODS) по состоянию на",
            "Declared indirect shares checked (BODS) as of"
        ),
        report.as_of
    );
    let _ = writeln!(out, "{}: {file}", w(lang, "Файл", "File"));
    let _ = writeln!(
        out,
        "{}: {}; {}: {}; {}: {}; {}: {}; {}: {}\n",
        w(lang, "Заявлений", "Declarations"),
        report.checks.len(),
        w(lang, "подтверждено", "confirmed"),
        report.confirmed,
        w(lang, "не противоречат", "consistent"),
        report.consistent,
        w(lang, "расхождений", "discrepancies"),
        report.discrepancies,
        w(lang, "не проверено", "not checked"),
        report.not_checked,
    );
    if report.checks.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            w(
                lang,
                "В файле нет косвенных долей (directOrIndirect: indirect).",
                "The file declares no indirect interest (directOrIndirect: indirect)."
            )
        );
    }
    for (i, c) in report.checks.iter().enumerate() {
        one(&mut out, i + 1, c, lang);
        out.push('\n');
    }
    out
}
