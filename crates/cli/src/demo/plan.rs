//! Who takes part in the demo ecosystem, and the demo subjects.
//!
//! Names, organisation codes and registration numbers are synthetic. Subjects' CIs, passwords and TOTP
//! secrets derive from the demo seed, so the same seed gives the same people on every machine.

use base64::Engine as _;
use mydata_core::Industry;
use mydata_core::seed::SeedRng;

/// The role a participant plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleKind {
    /// The hub.
    Hub,
    /// A provider.
    Provider,
    /// The operator.
    Operator,
    /// A vault (primary or replica).
    Vault,
}

impl RoleKind {
    /// The wire name used in `ecosystem.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hub => "hub",
            Self::Provider => "provider",
            Self::Operator => "operator",
            Self::Vault => "vault",
        }
    }
}

/// One organisation of the demo.
#[derive(Debug, Clone, Copy)]
pub struct OrgPlan {
    /// Short id: file names, config names, port allocation.
    pub key: &'static str,
    /// The role it plays.
    pub role: RoleKind,
    /// Display name.
    pub name: &'static str,
    /// Organisation code.
    pub org_code: &'static str,
    /// Industry of a provider.
    pub industry: Option<Industry>,
    /// Business registration number: the serialNumber of its certificates.
    pub regno: &'static str,
    /// Whether it serves human-facing pages.
    pub web: bool,
}

const fn org(
    key: &'static str,
    role: RoleKind,
    name: &'static str,
    org_code: &'static str,
    industry: Option<Industry>,
    regno: &'static str,
    web: bool,
) -> OrgPlan {
    OrgPlan { key, role, name, org_code, industry, regno, web }
}

/// Every participant, in start order: the hub first.
pub const ORGS: &[OrgPlan] = &[
    org("hub", RoleKind::Hub, "MyData 종합포털 (demo hub)", "HUBPORTAL1", None, "100-82-00001", true),
    org("bank", RoleKind::Provider, "한빛은행 (Hanbit Bank)", "BANKHANBIT", Some(Industry::Bank), "201-81-10001", true),
    org("card", RoleKind::Provider, "누리카드 (Nuri Card)", "CARDNURI01", Some(Industry::Card), "202-81-10002", true),
    org(
        "invest",
        RoleKind::Provider,
        "새봄증권 (Saebom Securities)",
        "INVSAEBOM1",
        Some(Industry::Invest),
        "203-81-10003",
        true,
    ),
    org("insu", RoleKind::Provider, "다솜생명 (Dasom Life)", "INSUDASOM1", Some(Industry::Insu), "204-81-10004", true),
    org(
        "telecom",
        RoleKind::Provider,
        "하늘통신 (Haneul Telecom)",
        "TELHANEUL1",
        Some(Industry::Telecom),
        "205-81-10005",
        true,
    ),
    org(
        "capital",
        RoleKind::Provider,
        "가람캐피탈 (Garam Capital)",
        "CAPGARAM01",
        Some(Industry::Capital),
        "206-81-10006",
        true,
    ),
    org("operator", RoleKind::Operator, "모아마이데이터 (Moa MyData)", "OPERMOA001", None, "301-81-20001", true),
    org("vault", RoleKind::Vault, "모아 보안저장소 (primary)", "VAULTMOA01", None, "301-81-20002", false),
    org("vault-replica", RoleKind::Vault, "모아 보안저장소 (replica)", "VAULTMOA02", None, "301-81-20003", false),
];

/// A demo subject.
#[derive(Debug, Clone)]
pub struct SubjectPlan {
    /// Display name.
    pub name: &'static str,
    /// Login name.
    pub username: &'static str,
    /// Base64 CI (88 characters).
    pub ci: String,
    /// Password (the same at every demo participant).
    pub password: String,
    /// Base32 TOTP secret.
    pub totp_secret: String,
}

const SUBJECTS: &[(&str, &str)] = &[("김민준", "minjun"), ("이서연", "seoyeon"), ("박지호", "jiho")];

/// The demo subjects for `seed`.
pub fn subjects(seed: u64) -> Vec<SubjectPlan> {
    SUBJECTS
        .iter()
        .map(|&(name, username)| {
            let mut rng = SeedRng::derive(seed, &format!("subject/{username}"));
            let ci_bytes: [u8; 64] = rng.bytes();
            let totp: [u8; 20] = rng.bytes();
            // Three character classes, no runs: e.g. "Moa!k7Qx-Rt2p"
            let password = format!("Moa!{}-{}", rng.alnum(4), rng.alnum(4));
            SubjectPlan {
                name,
                username,
                ci: base64::engine::general_purpose::STANDARD.encode(ci_bytes),
                password,
                totp_secret: data_encoding::BASE32_NOPAD.encode(&totp),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn plan_is_consistent() {
        let codes: HashSet<_> = ORGS.iter().map(|o| o.org_code).collect();
        assert_eq!(codes.len(), ORGS.len());
        for o in ORGS {
            assert!(o.org_code.parse::<mydata_core::OrgCode>().is_ok(), "{}", o.org_code);
            assert_eq!(o.industry.is_some(), o.role == RoleKind::Provider);
        }
        assert_eq!(ORGS[0].role, RoleKind::Hub);
        let providers: HashSet<_> = ORGS.iter().filter_map(|o| o.industry).collect();
        assert!(providers.len() >= 6);
    }

    #[test]
    fn subjects_are_deterministic_per_seed() {
        let a = subjects(7);
        let b = subjects(7);
        let c = subjects(8);
        assert_eq!(a[0].ci, b[0].ci);
        assert_ne!(a[0].ci, c[0].ci);
        for s in &a {
            assert_eq!(s.ci.len(), 88);
            assert!(s.ci.parse::<mydata_core::Ci>().is_ok());
        }
    }
}
