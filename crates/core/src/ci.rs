//! The subject's CI (연계정보): an 88-character base64 identifier that links one person across organisations.
//!
//! A CI is personal data. [`Ci`] has no `Display`; its `Debug` is masked. Use [`Ci::as_str`] only to put it on
//! the wire or into an encrypted column, and [`Ci::masked`] for anything a human or a log may read.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use crate::error::ParseError;

/// The wire limit of `x-user-ci` / `username` (B64(100)).
pub const MAX_LEN: usize = 100;

/// A subject's CI, validated as standard base64 of at most 100 characters.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ci(String);

impl Ci {
    /// The CI as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A masked form for logs and screens: the first four characters and the length.
    pub fn masked(&self) -> String {
        crate::mask::mask_ci(&self.0)
    }

    /// Builds a CI from raw identifier bytes (demo and test data: 64 bytes give the usual 88 characters).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ParseError> {
        STANDARD.encode(bytes).parse()
    }

    /// Parses a CI, attributing errors to `field` (`x-user-ci`, `username`, `user_ci`, …).
    pub fn parse_field(s: &str, field: &'static str) -> Result<Self, ParseError> {
        s.parse::<Self>().map_err(|e| e.for_field(field))
    }
}

impl FromStr for Ci {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(ParseError::new("ci", "is empty"));
        }
        if s.len() > MAX_LEN {
            return Err(ParseError::new("ci", "is longer than 100 characters"));
        }
        if STANDARD.decode(s).is_err() {
            return Err(ParseError::new("ci", "is not valid base64"));
        }
        Ok(Self(s.to_owned()))
    }
}

impl TryFrom<String> for Ci {
    type Error = ParseError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Ci> for String {
    fn from(c: Ci) -> Self {
        c.0
    }
}

impl fmt::Debug for Ci {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ci({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn sixty_four_bytes_make_an_88_char_ci() {
        let ci = Ci::from_bytes(&[7u8; 64]).unwrap();
        assert_eq!(ci.as_str().len(), 88);
        assert!(!format!("{ci:?}").contains(ci.as_str()));
    }

    #[test]
    fn rejects_bad_input() {
        assert!("".parse::<Ci>().is_err());
        assert!("not base64!".parse::<Ci>().is_err());
        assert!("A".repeat(104).parse::<Ci>().is_err());
        assert_eq!(Ci::parse_field("%%", "x-user-ci").unwrap_err().field(), "x-user-ci");
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in ".{0,120}") {
            let _ = s.parse::<Ci>();
        }

        #[test]
        fn bytes_round_trip(b in proptest::collection::vec(any::<u8>(), 1..70)) {
            let ci = Ci::from_bytes(&b).unwrap();
            let json = serde_json::to_string(&ci).unwrap();
            prop_assert_eq!(serde_json::from_str::<Ci>(&json).unwrap(), ci);
        }
    }
}
