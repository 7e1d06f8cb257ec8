//! Scopes: industry-qualified, space-separated (spec §2.6).
//!
//! A [`Scope`] is one `<industry>.<name>` known to the catalogue ([`crate::catalogue::scopes_for`]); a
//! [`ScopeSet`] is the space-separated `scope` of a token. Support tokens use the fixed scope [`MANAGE`], which is
//! not industry-qualified and so is no [`Scope`].

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::catalogue::scopes_for;
use crate::error::ParseError;
use crate::industry::Industry;

/// The fixed scope of support-API tokens (지원-001 / 지원-101).
pub const MANAGE: &str = "manage";

const FIELD: &str = "scope";

/// One industry-qualified scope, such as `bank.deposit`.
///
/// Ordered by industry (spec §1.2 order), then by its position in [`scopes_for`] (the list scope first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope {
    industry: Industry,
    rank: usize,
    text: &'static str,
}

impl Scope {
    /// The list scope `<industry>.list`, which every token of the industry carries; `None` for `public`.
    pub fn list(industry: Industry) -> Option<Self> {
        scopes_for(industry).first().map(|&text| Self { industry, rank: 0, text })
    }

    /// The industry the scope belongs to.
    pub const fn industry(&self) -> Industry {
        self.industry
    }

    /// The whole scope (`bank.deposit`).
    pub const fn as_str(&self) -> &'static str {
        self.text
    }

    /// The part after the industry (`deposit`).
    pub fn name(&self) -> &'static str {
        self.text.split_once('.').map_or(self.text, |(_, name)| name)
    }

    /// Whether this is the asset-list scope `<industry>.list`.
    pub const fn is_list(&self) -> bool {
        self.rank == 0
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)
    }
}

impl FromStr for Scope {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let Some((industry, name)) = s.split_once('.') else {
            return Err(ParseError::new(FIELD, "must have the form <industry>.<name>"));
        };
        if name.is_empty() {
            return Err(ParseError::new(FIELD, "must have the form <industry>.<name>"));
        }
        let industry: Industry =
            industry.parse().map_err(|_| ParseError::new(FIELD, "does not start with an industry of the standard"))?;
        scopes_for(industry)
            .iter()
            .enumerate()
            .find(|&(_, &known)| known == s)
            .map(|(rank, &text)| Self { industry, rank, text })
            .ok_or_else(|| ParseError::new(FIELD, format!("is not a scope of industry {industry}")))
    }
}

impl TryFrom<String> for Scope {
    type Error = ParseError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl Serialize for Scope {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.text)
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?.parse().map_err(D::Error::custom)
    }
}

/// A non-empty set of scopes, as in the `scope` of a token (`"bank.list bank.deposit"`).
///
/// Parsing splits on spaces, ignores repeated spaces and duplicate scopes, and refuses an empty string and any
/// unknown scope. [`Display`](fmt::Display) writes the scopes in canonical order (see [`Scope`]) joined by
/// single spaces, so parsing the output gives the same set.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ScopeSet(BTreeSet<Scope>);

impl ScopeSet {
    /// The set holding only `scope`.
    pub fn single(scope: Scope) -> Self {
        Self(BTreeSet::from([scope]))
    }

    /// The set of `scopes`, or `None` when there are none.
    pub fn from_scopes(scopes: impl IntoIterator<Item = Scope>) -> Option<Self> {
        let set: BTreeSet<Scope> = scopes.into_iter().collect();
        (!set.is_empty()).then_some(Self(set))
    }

    /// Whether the set holds `scope`.
    pub fn contains(&self, scope: &Scope) -> bool {
        self.0.contains(scope)
    }

    /// Whether the set holds the scope written `scope` (`false` for anything that is not a known scope).
    pub fn contains_str(&self, scope: &str) -> bool {
        self.0.iter().any(|s| s.as_str() == scope)
    }

    /// The scopes in canonical order.
    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }

    /// The industries the scopes belong to, each once, in spec §1.2 order.
    pub fn industries(&self) -> impl Iterator<Item = Industry> + '_ {
        let mut last = None;
        self.0.iter().filter_map(move |s| {
            let industry = s.industry();
            (last != Some(industry)).then(|| {
                last = Some(industry);
                industry
            })
        })
    }

    /// Whether every scope of `self` is in `other`.
    pub fn is_subset_of(&self, other: &Self) -> bool {
        self.0.is_subset(&other.0)
    }

    /// The scopes of both sets.
    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        Self(self.0.union(&other.0).copied().collect())
    }

    /// Adds `scope`; returns whether it was new.
    pub fn insert(&mut self, scope: Scope) -> bool {
        self.0.insert(scope)
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, scope) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(scope.as_str())?;
        }
        Ok(())
    }
}

impl FromStr for ScopeSet {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let set = s.split(' ').filter(|part| !part.is_empty()).map(str::parse).collect::<Result<BTreeSet<_>, _>>()?;
        if set.is_empty() {
            return Err(ParseError::new(FIELD, "must name at least one scope"));
        }
        Ok(Self(set))
    }
}

impl TryFrom<String> for ScopeSet {
    type Error = ParseError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<ScopeSet> for String {
    fn from(s: ScopeSet) -> Self {
        s.to_string()
    }
}

impl<'a> IntoIterator for &'a ScopeSet {
    type Item = Scope;
    type IntoIter = std::iter::Copied<std::collections::btree_set::Iter<'a, Scope>>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn known_scopes() -> Vec<&'static str> {
        Industry::ALL.into_iter().flat_map(|i| scopes_for(i).iter().copied()).collect()
    }

    #[test]
    fn scope_parses_known_names() {
        let s: Scope = "bank.deposit".parse().unwrap();
        assert_eq!(s.industry(), Industry::Bank);
        assert_eq!(s.as_str(), "bank.deposit");
        assert_eq!(s.name(), "deposit");
        assert!(!s.is_list());
        assert_eq!(s.to_string(), "bank.deposit");
        assert!("insu.insured".parse::<Scope>().is_ok());
        assert!(Scope::list(Industry::Card).unwrap().is_list());
        assert_eq!(Scope::list(Industry::Card).unwrap().as_str(), "card.list");
        assert!(Scope::list(Industry::Public).is_none());
        for text in known_scopes() {
            let s: Scope = text.parse().unwrap();
            assert_eq!(s.as_str(), text);
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(serde_json::from_str::<Scope>(&json).unwrap(), s);
        }
    }

    #[test]
    fn scope_refuses_bad_names() {
        for bad in ["", "bank", "bank.", ".list", "bank.card", "BANK.list", "telecoms.list", "manage", "bank.list "] {
            let e = bad.parse::<Scope>().unwrap_err();
            assert_eq!(e.field(), "scope", "{bad}");
        }
    }

    #[test]
    fn set_parses_and_orders() {
        let set: ScopeSet = "card.loan  card.list card.card card.loan".parse().unwrap();
        assert_eq!(set.to_string(), "card.list card.card card.loan");
        assert!(set.contains_str("card.card"));
        assert!(!set.contains_str("card.point"));
        assert!(set.contains(&"card.loan".parse().unwrap()));
        assert_eq!(set.iter().count(), 3);
        assert_eq!(set.industries().collect::<Vec<_>>(), [Industry::Card]);
    }

    #[test]
    fn set_refuses_empty_and_unknown() {
        for bad in ["", " ", "   ", "bank.list bank.nope", "manage", "bank.list\tbank.deposit"] {
            assert_eq!(bad.parse::<ScopeSet>().unwrap_err().field(), "scope", "{bad:?}");
        }
        assert!(ScopeSet::from_scopes([]).is_none());
    }

    #[test]
    fn set_operations() {
        let a: ScopeSet = "insu.list bank.list bank.deposit".parse().unwrap();
        let b: ScopeSet = "bank.list".parse().unwrap();
        assert!(b.is_subset_of(&a));
        assert!(!a.is_subset_of(&b));
        assert_eq!(a.industries().collect::<Vec<_>>(), [Industry::Bank, Industry::Insu]);
        let c = b.union(&"bank.loan".parse().unwrap());
        assert_eq!(c.to_string(), "bank.list bank.loan");
        let mut d = ScopeSet::single(Scope::list(Industry::Bank).unwrap());
        assert!(d.insert("bank.irp".parse().unwrap()));
        assert!(!d.insert("bank.irp".parse().unwrap()));
        assert_eq!(d.to_string(), "bank.list bank.irp");
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, "\"bank.list bank.deposit insu.list\"");
        assert_eq!(serde_json::from_str::<ScopeSet>(&json).unwrap(), a);
        assert!(serde_json::from_str::<ScopeSet>("\"\"").is_err());
    }

    proptest! {
        #[test]
        fn scope_parse_never_panics(s in "\\PC{0,40}") {
            let _ = s.parse::<Scope>();
            let _ = s.parse::<ScopeSet>();
        }

        #[test]
        fn set_parse_never_panics_on_near_misses(s in "[a-z2. ]{0,40}") {
            let _ = s.parse::<ScopeSet>();
        }

        #[test]
        fn set_display_round_trips(
            picked in proptest::sample::subsequence(known_scopes(), 1..=12)
                .prop_flat_map(|v| Just(v).prop_shuffle()),
            doubled in any::<bool>(),
        ) {
            let mut parts = picked.clone();
            if doubled {
                parts.extend(picked.iter().copied());
            }
            let set: ScopeSet = parts.join(" ").parse().unwrap();
            let text = set.to_string();
            prop_assert_eq!(text.split(' ').count(), picked.len());
            let again: ScopeSet = text.parse().unwrap();
            prop_assert_eq!(again.to_string(), text);
            prop_assert_eq!(&again, &set);
            for p in &picked {
                prop_assert!(set.contains_str(p));
            }
        }
    }
}
