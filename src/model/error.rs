//! The error of the model's parsers: a value the model does not accept.

use std::fmt;

/// A value the model does not accept (an unknown kind, country, basis or relation type, an id
/// no party has), with the reason in words a user can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidValue(pub String);

impl fmt::Display for InvalidValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidValue {}

impl From<InvalidValue> for String {
    fn from(e: InvalidValue) -> String {
        e.0
    }
}
