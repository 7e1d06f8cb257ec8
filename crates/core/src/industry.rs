//! The twelve industries of the standard (spec §1.2) and organisation codes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::ParseError;

/// An industry (`<industry>` in sector URIs, `industry` in the registry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Industry {
    /// 은행 — banks.
    Bank,
    /// 카드 — card companies.
    Card,
    /// 금융투자 — brokers and asset managers.
    Invest,
    /// 보험 — insurers.
    Insu,
    /// 전자금융 — e-finance (prepaid, payments).
    Efin,
    /// 할부금융 — installment finance and leasing.
    Capital,
    /// 보증보험 — guarantee insurance.
    Ginsu,
    /// 통신 — telecoms.
    Telecom,
    /// P2P lending (온투업).
    P2p,
    /// 인수채권 — acquired bonds.
    Bond,
    /// 대부 — money lending.
    Usury,
    /// 공공 — public sector.
    Public,
}

impl Industry {
    /// Every industry, in the order of spec §1.2.
    pub const ALL: [Self; 12] = [
        Self::Bank,
        Self::Card,
        Self::Invest,
        Self::Insu,
        Self::Efin,
        Self::Capital,
        Self::Ginsu,
        Self::Telecom,
        Self::P2p,
        Self::Bond,
        Self::Usury,
        Self::Public,
    ];

    /// The wire name (`bank`, `card`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Bank => "bank",
            Self::Card => "card",
            Self::Invest => "invest",
            Self::Insu => "insu",
            Self::Efin => "efin",
            Self::Capital => "capital",
            Self::Ginsu => "ginsu",
            Self::Telecom => "telecom",
            Self::P2p => "p2p",
            Self::Bond => "bond",
            Self::Usury => "usury",
            Self::Public => "public",
        }
    }

    /// The Korean sector name, for screens.
    pub const fn korean_name(self) -> &'static str {
        match self {
            Self::Bank => "은행",
            Self::Card => "카드",
            Self::Invest => "금융투자",
            Self::Insu => "보험",
            Self::Efin => "전자금융",
            Self::Capital => "할부금융",
            Self::Ginsu => "보증보험",
            Self::Telecom => "통신",
            Self::P2p => "P2P",
            Self::Bond => "인수채권",
            Self::Usury => "대부",
            Self::Public => "공공",
        }
    }
}

impl fmt::Display for Industry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Industry {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|i| i.as_str() == s)
            .ok_or_else(|| ParseError::new("industry", "is not one of the twelve industries of the standard"))
    }
}

/// An organisation code (`org_code`, aN(10)): exactly ten ASCII letters or digits, assigned by the portal.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgCode(String);

impl OrgCode {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for OrgCode {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 10 {
            return Err(ParseError::new("org_code", "must be exactly 10 characters"));
        }
        if !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ParseError::new("org_code", "must contain only letters and digits"));
        }
        Ok(Self(s.to_owned()))
    }
}

impl TryFrom<String> for OrgCode {
    type Error = ParseError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<OrgCode> for String {
    fn from(o: OrgCode) -> Self {
        o.0
    }
}

impl fmt::Display for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrgCode({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn industry_round_trips() {
        for i in Industry::ALL {
            assert_eq!(i.as_str().parse::<Industry>().unwrap(), i);
            assert_eq!(serde_json::to_string(&i).unwrap(), format!("\"{i}\""));
        }
        assert!("BANK".parse::<Industry>().is_err());
    }

    #[test]
    fn org_code_rules() {
        assert!("A1B2C3D4E5".parse::<OrgCode>().is_ok());
        assert!("A1B2C3D4E".parse::<OrgCode>().is_err());
        assert!("A1B2C3D4E-".parse::<OrgCode>().is_err());
        let e = "x".parse::<OrgCode>().unwrap_err();
        assert_eq!(e.field(), "org_code");
    }

    proptest! {
        #[test]
        fn org_code_parse_never_panics(s in ".{0,20}") {
            let _ = s.parse::<OrgCode>();
        }

        #[test]
        fn org_code_round_trips(s in "[A-Za-z0-9]{10}") {
            let o: OrgCode = s.parse().unwrap();
            prop_assert_eq!(o.as_str(), s.as_str());
            let j = serde_json::to_string(&o).unwrap();
            prop_assert_eq!(serde_json::from_str::<OrgCode>(&j).unwrap(), o);
        }
    }
}
