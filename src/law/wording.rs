//! The words of the law in Russian and English: every reason, basis, note and warning is a
//! [`Statement`] (a code and its parameters) rendered in the reader's language. JSON carries
//! the code and the English text, so programs match on codes and people read sentences.

use serde::Serialize;

use crate::fraction::{Fraction, PERCENT_DECIMALS};

/// The language of human output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// Russian, the language of the Rules (default).
    #[default]
    Ru,
    /// English.
    En,
}

/// A value inside a statement.
#[derive(Clone, Debug)]
pub enum Param {
    /// Plain text (ids, names, codes).
    Text(String),
    /// A share: percent and exact fraction.
    Share(Fraction),
    /// A percent only.
    Pct(Fraction),
    /// A list of texts.
    List(Vec<String>),
    /// A nested statement (a basis inside a reason).
    Statement(Box<Statement>),
    /// Several statements, joined with commas.
    Statements(Vec<Statement>),
    /// A rule point as written in English (`p. 5 "а"`), rendered `п. 5 «а»` in Russian.
    Rule(&'static str),
    /// A difference of percents, in percentage points: `0,5 п. п.` / `0.5 pp`.
    Points(Fraction),
    /// The same words in each language (a policy value, a sentence made in both).
    Words {
        /// Russian.
        ru: String,
        /// English.
        en: String,
    },
}

impl Param {
    /// Plain text.
    pub fn text(s: impl Into<String>) -> Param {
        Param::Text(s.into())
    }

    /// Words in both languages.
    pub fn words(ru: impl Into<String>, en: impl Into<String>) -> Param {
        Param::Words { ru: ru.into(), en: en.into() }
    }

    /// Rendered with `share` writing a share and `name` the words for a party id (plain texts,
    /// list items and the links of a chain `A → B` that are ids).
    fn render_with(&self, lang: Lang, share: &dyn Fn(&Fraction) -> String, name: &dyn Fn(&str) -> String) -> String {
        let named = |s: &str| -> String {
            if s.contains(" → ") { s.split(" → ").map(name).collect::<Vec<_>>().join(" → ") } else { name(s) }
        };
        match self {
            Param::Text(s) => named(s),
            Param::Share(f) => share(f),
            Param::List(items) => items.iter().map(|i| named(i)).collect::<Vec<_>>().join(", "),
            Param::Statement(s) => s.render_with(lang, share, name),
            Param::Statements(v) => v.iter().map(|s| s.render_with(lang, share, name)).collect::<Vec<_>>().join("; "),
            _ => self.render_plain(lang),
        }
    }

    fn render_plain(&self, lang: Lang) -> String {
        match self {
            Param::Text(s) => s.clone(),
            Param::Share(f) => format!("{} ({})", percent(f, lang), fraction(f, lang)),
            Param::Pct(f) => percent(f, lang),
            Param::List(items) => items.join(", "),
            Param::Statement(s) => s.render(lang),
            Param::Statements(v) => v.iter().map(|s| s.render(lang)).collect::<Vec<_>>().join("; "),
            Param::Rule(r) => rule(r, lang),
            Param::Points(f) => points(f, lang),
            Param::Words { ru, en } => match lang {
                Lang::Ru => ru.clone(),
                Lang::En => en.clone(),
            },
        }
    }
}

/// A percent as the language writes it: `82,5 %` in Russian, `82.5 %` in English.
pub fn percent(f: &Fraction, lang: Lang) -> String {
    let p = f.percent(PERCENT_DECIMALS);
    match lang {
        Lang::Ru => format!("{} %", p.replace('.', ",")),
        Lang::En => format!("{p} %"),
    }
}

/// Longest numerator or denominator human output prints (issue 13): longer fractions are
/// named by their length; JSON keeps every fraction whole.
pub const SHORT_FRACTION_DIGITS: usize = 12;

/// An exact fraction as human output prints it: `33/40`, or, beyond
/// [`SHORT_FRACTION_DIGITS`] digits, `точная дробь: 143 цифры` / `exact fraction: 143 digits`.
pub fn fraction(f: &Fraction, lang: Lang) -> String {
    match f.short_text(SHORT_FRACTION_DIGITS) {
        Some(t) => t,
        None => match lang {
            Lang::Ru => format!("точная дробь: {} цифр", f.digits()),
            Lang::En => format!("exact fraction: {} digits", f.digits()),
        },
    }
}

/// A difference of percents in percentage points: `0,5 п. п.` in Russian, `0.5 pp` in English.
pub fn points(f: &Fraction, lang: Lang) -> String {
    let p = f.percent(PERCENT_DECIMALS);
    match lang {
        Lang::Ru => format!("{} п. п.", p.replace('.', ",")),
        Lang::En => format!("{p} pp"),
    }
}

/// A rule point in the reader's language: `p. 10 "б"` or `п. 10 «б»`.
pub fn rule(r: &str, lang: Lang) -> String {
    match lang {
        Lang::En => r.to_string(),
        Lang::Ru => {
            let body = r.strip_prefix("p. ").unwrap_or(r);
            let mut out = String::from("п. ");
            let mut open = true;
            for c in body.chars() {
                if c == '"' {
                    out.push(if open { '«' } else { '»' });
                    open = !open;
                } else {
                    out.push(c);
                }
            }
            out
        }
    }
}

/// A sentence of a report: a stable code and its parameters.
#[derive(Clone, Debug)]
pub struct Statement {
    /// Stable code, e.g. `participation.eligible`.
    pub code: &'static str,
    /// Named parameters.
    pub params: Vec<(&'static str, Param)>,
}

impl Statement {
    /// A statement without parameters.
    pub fn new(code: &'static str) -> Statement {
        Statement { code, params: Vec::new() }
    }

    /// Adds a parameter.
    pub fn with(mut self, name: &'static str, value: Param) -> Statement {
        self.params.push((name, value));
        self
    }

    /// The sentence in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        self.render_with(lang, &|f: &Fraction| format!("{} ({})", percent(f, lang), f), &|s: &str| s.to_string())
    }

    /// The sentence in `lang` for a person to read: `share` writes each share (a report may
    /// shorten long fractions) and `name` gives the words for a party id.
    pub fn render_with(
        &self,
        lang: Lang,
        share: &dyn Fn(&Fraction) -> String,
        name: &dyn Fn(&str) -> String,
    ) -> String {
        let template = template(self.code, lang);
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let Some(len) = rest[start..].find('}') else { break };
            let key = &rest[start + 1..start + len];
            match self.params.iter().find(|(n, _)| *n == key) {
                Some((_, p)) => out.push_str(&p.render_with(lang, share, name)),
                None => out.push_str(&rest[start..start + len + 1]),
            }
            rest = &rest[start + len + 1..];
        }
        out.push_str(rest);
        out
    }
}

impl Serialize for Statement {
    /// `{"code": "...", "text": "<English>"}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Statement", 2)?;
        st.serialize_field("code", self.code)?;
        st.serialize_field("text", &self.render(Lang::En))?;
        st.end()
    }
}

/// Serializes a statement as its English sentence only (for fields such as `reason`).
pub fn as_english<S: serde::Serializer>(st: &Statement, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&st.render(Lang::En))
}

/// The catalog code of a party kind's name.
pub fn kind_code(kind: crate::model::PartyKind) -> &'static str {
    use crate::model::PartyKind::*;
    match kind {
        State => "kind.state",
        Region => "kind.region",
        Municipality => "kind.municipality",
        Person => "kind.person",
        Company => "kind.company",
        Nonprofit => "kind.nonprofit",
        InternationalOrg => "kind.international_org",
        ForeignStructure => "kind.foreign_structure",
        Unknown => "kind.unknown",
    }
}

/// A fixed term in both languages.
pub fn term(code: &'static str, lang: Lang) -> &'static str {
    template(code, lang)
}

/// The catalog. A code missing here renders as itself, so a gap shows rather than hides.
fn template(code: &'static str, lang: Lang) -> &'static str {
    let (ru, en) = match code {
        // ---- verdicts and regimes
        "verdict.eligible" => ("СООТВЕТСТВУЕТ", "ELIGIBLE"),
        "verdict.not_eligible" => ("НЕ СООТВЕТСТВУЕТ", "NOT ELIGIBLE"),
        "verdict.undetermined" => ("НЕ ОПРЕДЕЛЕНО", "UNDETERMINED"),
        "regime.ru" => (
            "Реестр российского ПО, п. 5 «а» Правил (ПП РФ № 1236): российская коммерческая организация без преобладающего иностранного участия",
            "Russian software register, p. 5 \"а\" of the Rules (Decree 1236): Russian commercial organization without predominant foreign participation",
        ),
        "regime.eaeu" => (
            "Реестр евразийского ПО, п. 42 «а» Правил: коммерческая организация без преобладающего иностранного участия",
            "Eurasian software register, p. 42 \"а\" of the Rules: commercial organization without predominant foreign participation",
        ),
        "regime.pak" => (
            "Программно-аппаратный комплекс, п. 5¹ «а» Правил: российское юридическое лицо не под иностранным контролем",
            "Hardware-software complex, p. 5¹ \"а\" of the Rules: Russian legal entity not under foreign control",
        ),
        // ---- holder bases
        "qual.unknown_holder" => ("лицо не раскрыто", "undisclosed holder"),
        "holder.party" => ("{name}", "{name}"),
        "holder.undisclosed" => ("нераскрытые участники {company}", "the undisclosed participants of {company}"),
        "qual.undisclosed" => (
            "доля в {company}, не распределённая между указанными участниками",
            "capital of {company} not attributed to any listed holder",
        ),
        "qual.international_org" => ("международная организация", "international organization"),
        "qual.foreign_structure" => {
            ("иностранная структура без образования юридического лица", "foreign structure without a legal entity")
        }
        "qual.russian_federation" => ("Российская Федерация", "the Russian Federation"),
        "qual.foreign_state" => ("иностранное государство ({country})", "foreign state ({country})"),
        "qual.eaeu_state" => ("государство - член ЕАЭС ({country})", "EAEU member state ({country})"),
        "qual.russia_not_member" => (
            "Российская Федерация не является «государством - членом ЕАЭС» в смысле п. 2 Правил",
            "the Russian Federation is not an \"EAEU member state\" as p. 2 of the Rules defines it",
        ),
        "qual.region" => ("субъект Российской Федерации", "constituent entity of the Russian Federation"),
        "qual.municipality" => ("муниципальное образование", "municipality"),
        "qual.russian_public_not_member" => (
            "субъект РФ или муниципальное образование не учитывается по п. 42 «а» (п. 2 Правил исключает Россию)",
            "a Russian region or municipality does not count under p. 42 \"а\" (p. 2 of the Rules excludes Russia)",
        ),
        "qual.russian_citizen" => {
            ("гражданин Российской Федерации{source}", "citizen of the Russian Federation{source}")
        }
        "qual.russian_dual_citizen" => (
            "гражданин Российской Федерации (гражданство: {citizenship}; политика P1: считается гражданином РФ){source}",
            "citizen of the Russian Federation (citizenship: {citizenship}; policy P1: russian){source}",
        ),
        "qual.dual_citizen_foreign" => (
            "двойное гражданство ({citizenship}): по политике P1 (иностранное лицо) не учитывается{source}",
            "dual citizen ({citizenship}): does not count under policy P1 foreign{source}",
        ),
        "qual.foreign_citizen" => {
            ("иностранный гражданин ({citizenship}){source}", "foreign citizen ({citizenship}){source}")
        }
        "qual.russian_citizen_not_member" => (
            "гражданин РФ не учитывается по п. 42 «а» (п. 2 Правил исключает Россию){source}",
            "a Russian citizen does not count under p. 42 \"а\" (p. 2 of the Rules excludes Russia){source}",
        ),
        "qual.eaeu_citizen" => (
            "гражданин государства - члена ЕАЭС ({citizenship}){source}",
            "citizen of an EAEU member state ({citizenship}){source}",
        ),
        "qual.stateless" => (
            "лицо без гражданства: не гражданин РФ и не гражданин государства - члена ЕАЭС; иностранное лицо для п. 5¹ «а»{source}",
            "stateless person: neither a Russian citizen nor a citizen of an EAEU member state; a foreign person for p. 5¹ \"а\"{source}",
        ),
        "qual.citizenship_source" => ("; гражданство по данным: {source}", "; citizenship from: {source}"),
        "qual.company" => {
            ("коммерческая организация: учитываются её участники", "commercial organization: its holders are followed")
        }
        "qual.nonprofit_foreign" => {
            ("иностранная некоммерческая организация ({country})", "foreign nonprofit ({country})")
        }
        "qual.nonprofit_qualifies" => (
            "некоммерческая организация без преобладающего иностранного участия: квалифицирующие лица формируют {share} высшего органа, иностранного контроля нет",
            "nonprofit without predominant foreign participation: qualifying persons form {share} of its supreme body, no foreign control",
        ),
        "qual.nonprofit_governance_short" => (
            "некоммерческая организация: квалифицирующие лица формируют лишь {share} высшего органа (нужно более 50 %)",
            "nonprofit: qualifying persons form only {share} of its supreme body (more than 50 % needed)",
        ),
        "qual.nonprofit_governance_unknown" => (
            "некоммерческая организация: квалифицирующие лица формируют от {share} до {upper} высшего органа, остальное не раскрыто",
            "nonprofit: qualifying persons form between {share} and {upper} of its supreme body, the rest is undisclosed",
        ),
        "qual.nonprofit_controlled" => (
            "некоммерческая организация под контролем иностранного лица {controller} ({chain})",
            "nonprofit controlled by the foreign person {controller} ({chain})",
        ),
        "qual.nonprofit_control_unknown" => (
            "некоммерческая организация: нераскрытые голоса или члены высшего органа могли бы дать контроль иностранному лицу",
            "nonprofit: undisclosed votes or members of its supreme body could give a foreign person control",
        ),
        "qual.nonprofit_declared_yes" => (
            "некоммерческая организация без преобладающего иностранного участия — заявлено во входных данных ({reason})",
            "nonprofit without predominant foreign participation, as declared in the input ({reason})",
        ),
        "qual.nonprofit_declared_no" => (
            "некоммерческая организация с преобладающим иностранным участием — заявлено во входных данных ({reason})",
            "nonprofit with predominant foreign participation, as declared in the input ({reason})",
        ),
        "qual.nonprofit_circular" => (
            "высший орган некоммерческой организации формируется по кругу и не сводится к квалифицирующим лицам",
            "the nonprofit's supreme body is formed in a circle that never reaches qualifying persons",
        ),
        // ---- participation reasons
        "participation.eligible" => (
            "суммарная доля прямого и косвенного участия {share} превышает 50 %",
            "total direct and indirect participation {share} is more than 50 %",
        ),
        "participation.not_eligible" => (
            "суммарная доля прямого и косвенного участия {share} не превышает 50 %",
            "total direct and indirect participation {share} is not more than 50 %",
        ),
        "participation.not_eligible_even_upper" => (
            "суммарная доля участия {share}; даже если все нераскрытые доли квалифицируются, не более {upper} — не превышает 50 %",
            "total participation {share}; even if every undisclosed share qualified, at most {upper}: not more than 50 %",
        ),
        "participation.undetermined" => (
            "доказано {share}, с нераскрытыми долями до {upper}; вердикт решают: {deciding}",
            "{share} is proven and up to {upper} with undisclosed shares: the verdict depends on {deciding}",
        ),
        "participation.not_russian" => (
            "правообладатель не является российской организацией (страна {country})",
            "the rights holder is not a Russian organization (country {country})",
        ),
        "participation.target_qualifies" => (
            "правообладатель сам относится к лицам, названным в {rule}: {basis}",
            "the rights holder is itself a person listed in {rule}: {basis}",
        ),
        "participation.target_not_qualifies" => (
            "правообладатель не относится к лицам, названным в {rule}: {basis}",
            "the rights holder is not a person listed in {rule}: {basis}",
        ),
        "participation.target_unknown" => {
            ("статус правообладателя не определён: {basis}", "the rights holder's status is undetermined: {basis}")
        }
        "participation.not_commercial_company" => (
            "правообладатель не является коммерческой организацией ({kind})",
            "the rights holder is not a commercial organization ({kind})",
        ),
        // ---- notes
        "note.russia_excluded" => (
            "Российские участники ({share}) не учитываются: п. 2 Правил исключает Россию из «государств - членов ЕАЭС». С ними вердикт был бы «{alternative}».",
            "Russian holders ({share}) do not count: p. 2 of the Rules excludes Russia from the \"EAEU member states\". Counting them, the verdict would be \"{alternative}\".",
        ),
        "note.nonprofit_removed" => (
            "{nonprofit} не учитывается: её контролирует иностранное лицо {controller} ({chain})",
            "{nonprofit} does not count: the foreign person {controller} controls it ({chain})",
        ),
        "note.cycle" => (
            "перекрёстное владение {cycle}: доли посчитаны как сумма по всем цепочкам (геометрическая прогрессия, письмо Минфина от 16.08.2013 № 03-01-18/33535)",
            "cross-holding {cycle}: shares summed over every walk (geometric series, Ministry of Finance letter of 16.08.2013 No. 03-01-18/33535)",
        ),
        "note.chains_truncated" => (
            "цепочек слишком много: показаны крупнейшие; доли посчитаны по всем",
            "too many chains: the largest are shown; the shares count all of them",
        ),
        "note.quarantine_elsewhere" => (
            "во входных данных {count} записей на карантине ({ids}): на этот ответ они не влияют, так как не входят в цепочки владения и контроля правообладателя",
            "{count} records of the input are quarantined ({ids}): they do not affect this answer, being outside the rights holder's ownership and control chains",
        ),
        "note.excluded_by_date" => (
            "{count} связей не действуют на {date} и не учтены",
            "{count} relations are not in force on {date} and are not counted",
        ),
        "note.nonprofit_status_unconfirmed" => {
            ("статус {nonprofit} не подтверждён: {basis}", "the status of {nonprofit} is not confirmed: {basis}")
        }
        "note.declared_differs" => (
            "заявленный статус {nonprofit} ({declared}) расходится с вычисленным ({computed}); использован вычисленный (политика P3: статус вычисляется)",
            "the declared status of {nonprofit} ({declared}) differs from the computed one ({computed}); the computed one is used (policy P3 computed)",
        ),
        "note.disclosure_not_met" => (
            "квалифицирующие участники в сумме не превышают 50 %: перечень по {rule} составить нельзя",
            "the qualifying holders do not exceed 50 % together: the list of {rule} cannot be made",
        ),
        // ---- disclosure branches
        "disclosure.above_five_exceed_half" => (
            "доли более 5 % в совокупности превышают 50 %: указываются все такие доли",
            "shares above 5 % together exceed 50 %: all of them are listed",
        ),
        "disclosure.top_up_to_exceed_half" => (
            "доли более 5 % в совокупности не превышают 50 %: указываются все они и следующие по размеру, пока сумма не превысит 50 %",
            "shares above 5 % together do not exceed 50 %: all of them are listed, then the next largest until the total exceeds 50 %",
        ),
        "disclosure.not_applicable" => (
            "правообладатель не коммерческая организация: долей для раскрытия нет",
            "the rights holder is not a commercial organization: there are no shares to disclose",
        ),
        "kind.state" => ("государство", "state"),
        "kind.region" => ("субъект РФ", "region of the Russian Federation"),
        "kind.municipality" => ("муниципальное образование", "municipality"),
        "kind.person" => ("физическое лицо", "natural person"),
        "kind.company" => ("коммерческая организация", "commercial organization"),
        "kind.nonprofit" => ("некоммерческая организация", "nonprofit organization"),
        "kind.international_org" => ("международная организация", "international organization"),
        "kind.foreign_structure" => {
            ("иностранная структура без образования юридического лица", "foreign structure without a legal entity")
        }
        "kind.unknown" => ("нераскрытое лицо", "undisclosed party"),
        "disclosure.not_met" => (
            "требование не выполнимо: квалифицирующих долей не более 50 %",
            "cannot be met: qualifying shares are not more than 50 %",
        ),
        // ---- control
        "control.not_russian_entity" => (
            "производитель не является российским юридическим лицом ({kind}, {country})",
            "the manufacturer is not a Russian legal entity ({kind}, {country})",
        ),
        "control.foreign_controlled" => (
            "под контролем иностранного лица {controller}: {indicators}; цепочка {chain}",
            "controlled by the foreign person {controller}: {indicators}; chain {chain}",
        ),
        "control.group_controlled" => (
            "иностранные лица {members} вместе контролируют правообладателя (политика P2: --aggregate-foreign): {indicators}",
            "the foreign persons {members} together control it (policy P2: --aggregate-foreign): {indicators}",
        ),
        "control.undetermined" => (
            "иностранный контроль не доказан, но нераскрытые голоса ({unknown}) могли бы дать контроль: {who}",
            "no foreign control is proven, but undisclosed votes ({unknown}) could give control to: {who}",
        ),
        "control.undetermined_influence" => (
            "иностранный контроль не доказан, но влияние без указания объёма ({influence}) может быть правом определять решения и дать контроль: {who}",
            "no foreign control is proven, but influence of unstated extent ({influence}) could be the right to determine decisions and give control to: {who}",
        ),
        "control.none" => (
            "ни одно иностранное лицо не контролирует организацию ни по одному из четырёх признаков",
            "no foreign person controls it by any of the four indicators",
        ),
        "control.hypothetical" => ("нераскрытое иностранное лицо", "an undisclosed foreign person"),
        "indicator.votes" => {
            ("распоряжается более 50 % голосов (признак 1)", "disposes of more than 50 % of the votes (indicator 1)")
        }
        "indicator.decision_rights" => {
            ("вправе определять решения (признак 2)", "has the right to determine decisions (indicator 2)")
        }
        "indicator.appoints" => (
            "назначает единоличный исполнительный орган или более 50 % коллегиального органа (признак 3)",
            "appoints the sole executive body or more than 50 % of a collegial body (indicator 3)",
        ),
        "indicator.management_company" => {
            ("осуществляет полномочия управляющей компании (признак 4)", "acts as the management company (indicator 4)")
        }
        "warning.controllers_truncated" => (
            "показаны не более {limit} контролирующих лиц и не более {limit} возможных; остальные не перечислены (--max-chains)",
            "at most {limit} controllers and {limit} possible controllers are listed; the others are not (--max-chains)",
        ),
        "warning.foreign_jointly" => (
            "иностранные лица {members} по отдельности не контролируют организацию, но вместе располагают: {levers}; по политике P2 (по умолчанию) они не суммируются",
            "the foreign persons {members} each fall short, but together hold: {levers}; under policy P2 (default) they do not add up",
        ),
        "warning.dual_citizens" => {
            ("лица с двойным гражданством (политика P1 {policy}): {list}", "dual citizens (policy P1 {policy}): {list}")
        }
        "warning.unknown_kind_controller" => (
            "нераскрытое лицо {id} контролирует {target}: его иностранность не известна",
            "the undisclosed party {id} controls {target}: whether it is foreign is not known",
        ),
        // ---- party kinds (docs/DOMAIN.md, "Parties") and grounds of vote disposal (p. 5¹ "а")
        "basis.trust_management" => ("доверительное управление", "trust management"),
        "basis.simple_partnership" => ("простое товарищество", "simple partnership"),
        "basis.agency" => ("поручение", "agency"),
        "basis.pledge" => ("залог", "pledge"),
        "basis.other" => ("иное основание", "other ground"),
        // ---- disclose and verify (p. 10 "б", p. 47 "б")
        "disclose.details_missing" => (
            "во входных данных нет части сведений, которых требует {rule}, для: {holders} (недостающее указано у каждого владельца)",
            "the input lacks some details {rule} asks for, for: {holders} (what is missing is shown for each holder)",
        ),
        "disclose.not_eligible" => (
            "вердикт по {rule}: «{verdict}»; перечень приведён для сведения",
            "the verdict under {rule} is \"{verdict}\"; the list is given for information",
        ),
        "verify.consistent" => {
            ("декларация согласуется с графом владения", "the declaration is consistent with the ownership graph")
        }
        "verify.share_mismatch" => (
            "{holder}: заявлено {declared}, вычислено {computed}; расхождение {difference} больше допуска {tolerance}",
            "{holder}: declared {declared}, computed {computed}; the difference {difference} exceeds the tolerance {tolerance}",
        ),
        "verify.missing_holder" => (
            "{holder} с долей {computed} должен быть указан по {rule} ({why}), но не заявлен",
            "{holder} with {computed} must be listed under {rule} ({why}) but is not declared",
        ),
        "verify.why_above_five" => ("доля более 5 %", "a share above 5 %"),
        "verify.why_top_up" => {
            ("входит в доли, в совокупности превышающие 50 %", "among the largest shares needed to exceed 50 %")
        }
        "verify.holder_not_qualifying" => (
            "{holder} не относится к лицам, чьи доли раскрываются: {basis}; его доля {computed} не учитывается",
            "{holder} is not a holder whose share counts: {basis}; its share {computed} does not count",
        ),
        "verify.company_basis" => (
            "коммерческая организация: раскрываются доли её конечных владельцев ({owners}), а не её собственная",
            "a commercial organization: the shares of its ultimate holders ({owners}) are disclosed, not its own",
        ),
        "verify.holder_not_proven" => (
            "статус {holder} по данным графа не установить: {basis}; его доля {computed} не подтверждена",
            "the status of {holder} cannot be established from the graph: {basis}; its share {computed} is not confirmed",
        ),
        "verify.holder_not_found" => (
            "«{holder}» не найден в графе владения (ни по id, ни по ИНН, ни по ОГРН, ни по наименованию)",
            "\"{holder}\" is not in the ownership graph (by id, INN, OGRN or name)",
        ),
        "verify.ambiguous_holder" => (
            "«{holder}» совпадает по признаку {by} с несколькими лицами: {candidates}; укажите id, ИНН или ОГРН",
            "\"{holder}\" matches several parties by {by}: {candidates}; give an id, INN or OGRN",
        ),
        "verify.not_a_holder" => (
            "{holder} есть в графе, но не владеет долей в {target}",
            "{holder} is in the graph but holds no share of {target}",
        ),
        "verify.target_itself" => (
            "{holder} — сам правообладатель, а не его участник",
            "{holder} is the rights holder itself, not one of its holders",
        ),
        "verify.duplicate_holder" => (
            "{holder} заявлен повторно (впервые в записи {first})",
            "{holder} is declared again (first in record {first})",
        ),
        "verify.extra_holder" => (
            "{holder} с долей {computed} указан сверх перечня, который требует {rule}",
            "{holder} with {computed} is listed beyond what {rule} requires",
        ),
        "verify.total_not_above_half" => (
            "заявленные доли в сумме {total} не превышают 50 %",
            "the declared shares total {total}, not more than 50 %",
        ),
        "verify.total_above_whole" => {
            ("заявленные доли в сумме {total} больше 100 %", "the declared shares total {total}, more than 100 %")
        }
        "verify.list_not_meeting_rule" => (
            "перечень не отвечает {rule} даже при верных долях ({branch}): требуются {required}; заявленные квалифицирующие лица вместе имеют {right_total}",
            "the list does not meet {rule} even with every share right ({branch}): it requires {required}; the declared qualifying holders have {right_total} together",
        ),
        "verify.list_cannot_meet_rule" => (
            "никакой перечень не отвечает {rule}: квалифицирующие лица вместе имеют лишь {share}",
            "no list can meet {rule}: the qualifying holders have only {share} together",
        ),
        "verify.verdict_differs" => (
            "из декларации (сумма {total}) следует «{implied}», вычислено «{computed}»: {reason}",
            "the declaration (total {total}) implies \"{implied}\", computed \"{computed}\": {reason}",
        ),
        "verify.nothing_to_disclose" => (
            "правообладатель не коммерческая организация: по {rule} раскрывать нечего",
            "the rights holder is not a commercial organization: {rule} asks for no list",
        ),
        "verify.bare_percent" => (
            "доли без знака % прочитаны как проценты (в файле есть число больше 1)",
            "shares without a % sign were read as percents (the file has a number above 1)",
        ),
        "verify.bare_fraction" => (
            "доли без знака % прочитаны как доли единицы (все такие числа не больше 1)",
            "shares without a % sign were read as fractions of 1 (every such number is at most 1)",
        ),
        // ---- words
        "word.who_chain" => ("{who} ({chain})", "{who} ({chain})"),
        "word.own" => ("собственные", "own"),
        "word.via" => ("через", "via"),
        "word.of_votes" => ("голосов", "of votes"),
        "word.undisclosed_of" => ("нераскрытые участники {company}", "undisclosed holders of {company}"),
        "word.unknown_votes_of" => ("нераскрытые голоса {company}", "undisclosed votes of {company}"),
        _ => (code, code),
    };
    match lang {
        Lang::Ru => ru,
        Lang::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_parameters_in_both_languages() {
        let s = Statement::new("participation.eligible").with("share", Param::Share(Fraction::new(33, 40)));
        assert_eq!(s.render(Lang::En), "total direct and indirect participation 82.5 % (33/40) is more than 50 %");
        assert!(s.render(Lang::Ru).contains("82,5 % (33/40)"));
        assert_eq!(Statement::new("no.such.code").render(Lang::En), "no.such.code");
    }
}
