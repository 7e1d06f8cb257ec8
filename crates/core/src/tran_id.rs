//! The transaction id `x-api-tran-id` (spec §1.4, 첨부14).
//!
//! Layout: the requesting organisation's code (10) + generator type (1) + serial (14) = 25 characters, all
//! uppercase letters or digits. The standard promises uniqueness only within one day and per generator.
//!
//! [`TranIdGenerator`] builds the serial as `node (4) + KST millisecond-of-day (6) + sequence (4)`, all base 36:
//! the random node part keeps concurrent processes of one organisation apart, the time part keeps a restarted
//! process from repeating the ids of its previous run on the same day, and the sequence numbers ids issued in
//! the same millisecond. The generator never moves backwards within a day, even if the clock does.

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::clock::SharedClock;
use crate::error::ParseError;
use crate::industry::OrgCode;
use crate::wire::KST;

const LEN: usize = 25;
const FIELD: &str = "x-api-tran-id";
const BASE36: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Who generated a transaction id (the 11th character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GeneratorType {
    /// `M` — a MyData operator (마이데이터사업자).
    Operator,
    /// `S` — a provider that built its own API.
    Provider,
    /// `R` — a relay (중계기관).
    Relay,
    /// `C` — a receiver other than an operator (정보수신자).
    Receiver,
    /// `P` — the comprehensive portal (종합포털).
    Portal,
    /// `A` — the integrated-authentication certificate authority (통합인증기관).
    CertAuthority,
}

impl GeneratorType {
    /// The one-letter code.
    pub const fn code(self) -> u8 {
        match self {
            Self::Operator => b'M',
            Self::Provider => b'S',
            Self::Relay => b'R',
            Self::Receiver => b'C',
            Self::Portal => b'P',
            Self::CertAuthority => b'A',
        }
    }

    /// The generator type for a one-letter code.
    pub const fn from_code(c: u8) -> Option<Self> {
        Some(match c {
            b'M' => Self::Operator,
            b'S' => Self::Provider,
            b'R' => Self::Relay,
            b'C' => Self::Receiver,
            b'P' => Self::Portal,
            b'A' => Self::CertAuthority,
            _ => return None,
        })
    }
}

/// A validated `x-api-tran-id`. Stored inline (25 bytes) and `Copy`, so it costs nothing to pass around.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TranId([u8; LEN]);

impl TranId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored (checked in `parse` and by the generator).
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The first ten characters: the code of the organisation that generated the id.
    pub fn org_part(&self) -> &str {
        &self.as_str()[..10]
    }

    /// The generator type.
    pub fn generator(&self) -> GeneratorType {
        // Validated on construction.
        GeneratorType::from_code(self.0[10]).unwrap_or(GeneratorType::Operator)
    }

    fn parse_bytes(b: &[u8]) -> Result<Self, ParseError> {
        if b.len() != LEN {
            return Err(ParseError::new(FIELD, "must be exactly 25 characters"));
        }
        let upper_alnum = |c: &u8| c.is_ascii_digit() || c.is_ascii_uppercase();
        if !b[..10].iter().all(upper_alnum) {
            return Err(ParseError::new(FIELD, "the organisation part (first 10) must be uppercase letters or digits"));
        }
        if GeneratorType::from_code(b[10]).is_none() {
            return Err(ParseError::new(FIELD, "the 11th character must be a generator type (M, S, R, C, P or A)"));
        }
        if !b[11..].iter().all(upper_alnum) {
            return Err(ParseError::new(FIELD, "the serial (last 14) must be uppercase letters or digits"));
        }
        let mut out = [0u8; LEN];
        out.copy_from_slice(b);
        Ok(Self(out))
    }
}

impl FromStr for TranId {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_bytes(s.as_bytes())
    }
}

impl TryFrom<String> for TranId {
    type Error = ParseError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<TranId> for String {
    fn from(t: TranId) -> Self {
        t.as_str().to_owned()
    }
}

impl fmt::Display for TranId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for TranId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TranId({})", self.as_str())
    }
}

/// Issues transaction ids for one organisation and generator type, unique within a day.
#[derive(Debug)]
pub struct TranIdGenerator {
    prefix: [u8; 11],
    node: [u8; 4],
    clock: SharedClock,
    state: Mutex<GenState>,
}

#[derive(Debug, Default)]
struct GenState {
    day: i32,
    ms: u32,
    seq: u32,
}

impl TranIdGenerator {
    /// A generator for `org` as `kind`. `node` distinguishes concurrent processes of the same organisation;
    /// pass random bits (the platform passes 20 random bits per process).
    pub fn new(org: &OrgCode, kind: GeneratorType, node: u32, clock: SharedClock) -> Self {
        let mut prefix = [0u8; 11];
        for (dst, src) in prefix.iter_mut().zip(org.as_str().bytes()) {
            *dst = src.to_ascii_uppercase();
        }
        prefix[10] = kind.code();
        let mut node_b = [0u8; 4];
        base36(u64::from(node) % 36u64.pow(4), &mut node_b);
        Self { prefix, node: node_b, clock, state: Mutex::new(GenState::default()) }
    }

    /// The next id.
    pub fn next_id(&self) -> TranId {
        let now = self.clock.now().to_offset(KST);
        let (day, ms) = day_and_ms(now);
        let (ms, seq) = {
            let mut st = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if st.day != day {
                *st = GenState { day, ms, seq: 0 };
            } else if ms > st.ms {
                st.ms = ms;
                st.seq = 0;
            } else {
                // Same millisecond, or the clock went back: keep counting from where we are.
                st.seq += 1;
                if st.seq >= 36u32.pow(4) {
                    st.ms += 1;
                    st.seq = 0;
                }
            }
            (st.ms, st.seq)
        };
        let mut out = [0u8; LEN];
        out[..11].copy_from_slice(&self.prefix);
        out[11..15].copy_from_slice(&self.node);
        base36(u64::from(ms), &mut out[15..21]);
        base36(u64::from(seq), &mut out[21..25]);
        TranId(out)
    }
}

fn day_and_ms(t: OffsetDateTime) -> (i32, u32) {
    let ms = u32::from(t.hour()) * 3_600_000
        + u32::from(t.minute()) * 60_000
        + u32::from(t.second()) * 1000
        + u32::from(t.millisecond());
    (t.date().to_julian_day(), ms)
}

fn base36(mut v: u64, out: &mut [u8]) {
    for slot in out.iter_mut().rev() {
        *slot = BASE36[(v % 36) as usize];
        v /= 36;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::Arc;

    use proptest::prelude::*;
    use time::Duration;
    use time::macros::datetime;

    use super::*;
    use crate::clock::ManualClock;

    fn org() -> OrgCode {
        "ABCDE12345".parse().unwrap()
    }

    #[test]
    fn generated_ids_are_valid_and_unique_in_a_day() {
        let clock = ManualClock::new(datetime!(2026-03-01 00:00 UTC));
        let g = TranIdGenerator::new(&org(), GeneratorType::Operator, 7, clock.clone());
        let mut seen = HashSet::new();
        for i in 0..20_000 {
            if i % 100 == 0 {
                clock.advance(Duration::milliseconds(1));
            }
            let id = g.next_id();
            assert_eq!(id.as_str().parse::<TranId>().unwrap(), id);
            assert_eq!(id.generator(), GeneratorType::Operator);
            assert_eq!(id.org_part(), "ABCDE12345");
            assert!(seen.insert(id), "duplicate {id}");
        }
    }

    #[test]
    fn clock_going_back_does_not_repeat() {
        let clock = ManualClock::new(datetime!(2026-03-01 05:00 UTC));
        let g = TranIdGenerator::new(&org(), GeneratorType::Provider, 1, clock.clone());
        let a = g.next_id();
        clock.advance(Duration::minutes(-30));
        let b = g.next_id();
        assert_ne!(a, b);
    }

    #[test]
    fn restart_later_the_same_day_does_not_repeat() {
        let clock = ManualClock::new(datetime!(2026-03-01 05:00 UTC));
        let g1 = TranIdGenerator::new(&org(), GeneratorType::Provider, 1, clock.clone());
        let first: HashSet<_> = (0..100).map(|_| g1.next_id()).collect();
        clock.advance(Duration::milliseconds(1));
        let g2 = TranIdGenerator::new(&org(), GeneratorType::Provider, 1, Arc::clone(&clock) as _);
        assert!((0..100).map(|_| g2.next_id()).all(|id| !first.contains(&id)));
    }

    #[test]
    fn rejects_bad_ids() {
        for bad in
            ["", "ABCDE12345M", "ABCDE12345X00000000000000", "abcde12345M00000000000000", "ABCDE12345M0000000000000a"]
        {
            let e = bad.parse::<TranId>().unwrap_err();
            assert_eq!(e.field(), "x-api-tran-id");
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in ".{0,40}") {
            let _ = s.parse::<TranId>();
        }

        #[test]
        fn valid_shapes_round_trip(org in "[A-Z0-9]{10}", g in "[MSRCPA]", serial in "[A-Z0-9]{14}") {
            let s = format!("{org}{g}{serial}");
            let id: TranId = s.parse().unwrap();
            prop_assert_eq!(id.as_str(), s.as_str());
            let json = serde_json::to_string(&id).unwrap();
            prop_assert_eq!(serde_json::from_str::<TranId>(&json).unwrap(), id);
        }
    }
}
