//! Countries as ISO 3166-1 alpha-2 codes (docs/DOMAIN.md, "Parties"), with the two groupings the
//! Rules use: the Russian Federation, and the other member states of the Eurasian Economic Union
//! (p. 2 of the Rules: "государство - член ЕАЭС" excludes Russia).

use super::InvalidValue;
use std::fmt;

/// An ISO 3166-1 alpha-2 country code, upper case.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Country([u8; 2]);

/// Every officially assigned ISO 3166-1 alpha-2 code.
const ISO_3166_1: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL \
BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM \
DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY \
HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC \
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE \
NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD \
SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA \
UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

impl Country {
    /// The Russian Federation.
    pub const RU: Country = Country(*b"RU");

    /// No country: fills the unused places of [`super::Citizenships`].
    pub(super) const PAD: Country = Country([0, 0]);

    /// Two bytes kept as a country by [`super::Citizenships`] (a number, not a code).
    pub(super) const fn raw(bytes: [u8; 2]) -> Country {
        Country(bytes)
    }

    /// The two bytes.
    pub(super) const fn bytes(self) -> [u8; 2] {
        self.0
    }

    /// Every country ISO 3166-1 assigns, in the order of their codes.
    #[cfg(test)]
    pub(super) fn all() -> impl Iterator<Item = Country> {
        ISO_3166_1.split(' ').map(|c| Country(*c.as_bytes().first_chunk().unwrap_or(&[0, 0])))
    }

    /// Parses a code, accepting lower case; refuses codes ISO 3166-1 does not assign.
    pub fn parse(text: &str) -> Result<Country, InvalidValue> {
        let trimmed = text.trim().as_bytes();
        if let &[a, b] = trimmed {
            // Upper case on the stack: a code is read for most of the millions of parties.
            let bytes = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
            // The list is sorted, codes are 2 letters and a space apart: binary search.
            let codes = ISO_3166_1.as_bytes();
            let n = codes.len().div_ceil(3);
            let (mut lo, mut hi) = (0, n);
            while lo < hi {
                let mid = (lo + hi) / 2;
                match codes[mid * 3..mid * 3 + 2].cmp(&bytes[..]) {
                    std::cmp::Ordering::Less => lo = mid + 1,
                    std::cmp::Ordering::Greater => hi = mid,
                    std::cmp::Ordering::Equal => return Ok(Country(bytes)),
                }
            }
        }
        let up = text.trim().to_ascii_uppercase();
        let hint = match up.as_str() {
            "UK" => " (the United Kingdom is GB)",
            "RUS" => " (Russia is RU)",
            "SU" => " (use RU)",
            _ => "",
        };
        Err(InvalidValue(format!("\"{text}\" is not an ISO 3166-1 alpha-2 country code{hint}")))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// True for the Russian Federation.
    pub fn is_russia(&self) -> bool {
        *self == Country::RU
    }

    /// A member state of the EAEU other than Russia (p. 2 of the Rules): AM, BY, KZ, KG.
    pub fn is_eaeu_member(&self) -> bool {
        matches!(&self.0, b"AM" | b"BY" | b"KZ" | b"KG")
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Country {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(Country::parse("ru").unwrap(), Country::RU);
        assert!(Country::parse("KZ").unwrap().is_eaeu_member());
        assert!(!Country::RU.is_eaeu_member());
        assert!(Country::parse("UK").unwrap_err().0.contains("GB"));
        assert!(Country::parse("XX").is_err());
        assert!(Country::parse("RUS").is_err());
        assert_eq!(Country::parse(" kZ ").unwrap().as_str(), "KZ");
        for text in ["", "R", "Ж", "ЖЖ", "R\u{301}", "r u"] {
            assert!(Country::parse(text).is_err(), "{text:?}");
        }
        for c in ISO_3166_1.split(' ') {
            assert_eq!(Country::parse(c).unwrap().as_str(), c);
        }
        let mut sorted: Vec<&str> = ISO_3166_1.split(' ').collect();
        sorted.sort_unstable();
        assert_eq!(sorted, ISO_3166_1.split(' ').collect::<Vec<_>>());
    }
}
