//! Wire formats of the standard (spec §1.9–1.10): KST dates and times, decimal amounts, and the JSON scalar
//! codec.
//!
//! The standard's attachment 2 says every JSON value is sent as a string (`"account_cnt":"10"`,
//! `"is_consent":"false"`), while many deployments send native numbers and booleans. The scalar types here
//! ([`Int`], [`Amount`], [`Flag`]) therefore **read both forms** and **write** in the [`ScalarMode`] chosen
//! by the caller of [`to_vec`] / [`to_value`] (strings by default). Dates and times are always strings.
//!
//! Times on the wire are Korean Standard Time (UTC+9).

use std::cell::Cell;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::macros::{format_description, offset};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::error::ParseError;

/// Korean Standard Time, UTC+9 (no daylight saving).
pub const KST: UtcOffset = offset!(+9);

// ===== scalar mode =====

/// How scalars are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScalarMode {
    /// Every scalar as a JSON string (the standard's attachment 2). The default.
    #[default]
    String,
    /// Numbers and booleans as native JSON values.
    Native,
}

thread_local! {
    static MODE: Cell<ScalarMode> = const { Cell::new(ScalarMode::String) };
}

fn mode() -> ScalarMode {
    MODE.with(Cell::get)
}

struct ModeGuard(ScalarMode);

impl ModeGuard {
    fn set(m: ScalarMode) -> Self {
        Self(MODE.with(|c| c.replace(m)))
    }
}

impl Drop for ModeGuard {
    fn drop(&mut self) {
        MODE.with(|c| c.set(self.0));
    }
}

/// Serializes `value` to JSON bytes, writing scalars in `mode`.
pub fn to_vec<T: Serialize + ?Sized>(value: &T, mode: ScalarMode) -> Result<Vec<u8>, serde_json::Error> {
    let _g = ModeGuard::set(mode);
    serde_json::to_vec(value)
}

/// Serializes `value` to a JSON value, writing scalars in `mode`.
pub fn to_value<T: Serialize + ?Sized>(value: &T, mode: ScalarMode) -> Result<serde_json::Value, serde_json::Error> {
    let _g = ModeGuard::set(mode);
    serde_json::to_value(value)
}

// ===== Int =====

/// An integer field (`N(n)`): counts, sequence numbers, installment counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Int(pub i64);

impl Serialize for Int {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match mode() {
            ScalarMode::String => s.collect_str(&self.0),
            ScalarMode::Native => s.serialize_i64(self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Int;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string of digits")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int, E> {
                Ok(Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int, E> {
                i64::try_from(v).map(Int).map_err(|_| E::custom("integer out of range"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Int, E> {
                Err(E::invalid_value(de::Unexpected::Float(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Int, E> {
                v.trim().parse::<i64>().map(Int).map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(V)
    }
}

impl From<i64> for Int {
    fn from(v: i64) -> Self {
        Self(v)
    }
}

// ===== Amount =====

/// A decimal amount or rate (`F(p,s)`): never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Amount(pub Decimal);

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match mode() {
            ScalarMode::String => s.collect_str(&self.0),
            // A native number only when the f64 prints back as exactly this decimal; otherwise the exact text.
            ScalarMode::Native => match f64::try_from(self.0) {
                Ok(f) if Decimal::from_str(&f.to_string()).ok() == Some(self.0.normalize()) => s.serialize_f64(f),
                _ => s.collect_str(&self.0),
            },
        }
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal number or a string holding one")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
                Ok(Amount(Decimal::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
                Ok(Amount(Decimal::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
                // serde_json hands us the shortest text that round-trips, so this is exact for wire values.
                Decimal::from_str(&v.to_string())
                    .map(Amount)
                    .map_err(|_| E::invalid_value(de::Unexpected::Float(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
                parse_amount(v).map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(V)
    }
}

fn parse_amount(v: &str) -> Result<Amount, ParseError> {
    let t = v.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+') {
        return Err(ParseError::new("amount", "is not a decimal number"));
    }
    Decimal::from_str(t).map(Amount).map_err(|_| ParseError::new("amount", "is not a decimal number"))
}

impl FromStr for Amount {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_amount(s)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<Decimal> for Amount {
    fn from(v: Decimal) -> Self {
        Self(v)
    }
}

// ===== Flag =====

/// A boolean field (`is_consent`, `is_minus`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flag(pub bool);

impl Serialize for Flag {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match mode() {
            ScalarMode::String => s.serialize_str(if self.0 { "true" } else { "false" }),
            ScalarMode::Native => s.serialize_bool(self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("true/false or the strings \"true\"/\"false\"")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
                match v {
                    "true" => Ok(Flag(true)),
                    "false" => Ok(Flag(false)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl From<bool> for Flag {
    fn from(v: bool) -> Self {
        Self(v)
    }
}

// ===== dates and times =====

macro_rules! string_or_number_de {
    ($ty:ident, $what:literal) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$ty, E> {
                        v.to_string().parse().map_err(|e: ParseError| E::custom(e.reason().to_owned()))
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$ty, E> {
                        v.to_string().parse().map_err(|e: ParseError| E::custom(e.reason().to_owned()))
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$ty, E> {
                        v.parse().map_err(|e: ParseError| E::custom(e.reason().to_owned()))
                    }
                }
                d.deserialize_any(V)
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    };
}

/// A calendar date `YYYYMMDD` (DATE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(pub time::Date);

impl Date {
    /// Today's date in KST for the instant `now`.
    pub fn kst(now: OffsetDateTime) -> Self {
        Self(now.to_offset(KST).date())
    }

    /// The instant this date begins in KST.
    pub fn start_kst(self) -> OffsetDateTime {
        self.0.midnight().assume_offset(KST)
    }
}

impl FromStr for Date {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::new("date", "must be 8 digits YYYYMMDD"));
        }
        time::Date::parse(s, format_description!("[year][month][day]"))
            .map(Self)
            .map_err(|_| ParseError::new("date", "is not a valid calendar date"))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}{:02}{:02}", self.0.year(), u8::from(self.0.month()), self.0.day())
    }
}

string_or_number_de!(Date, "a date YYYYMMDD");

/// A KST date and time `YYYYMMDDhhmmss` (DTIME).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DTime(pub PrimitiveDateTime);

impl DTime {
    /// The KST wall-clock time of the instant `t`, truncated to seconds.
    pub fn kst(t: OffsetDateTime) -> Self {
        let k = t.to_offset(KST);
        let p = PrimitiveDateTime::new(k.date(), k.time());
        Self(p.replace_nanosecond(0).unwrap_or(p))
    }

    /// The instant this KST time denotes.
    pub fn instant(self) -> OffsetDateTime {
        self.0.assume_offset(KST)
    }

    /// The date part.
    pub fn date(self) -> Date {
        Date(self.0.date())
    }

    /// As the 14-digit number used by `search_timestamp`.
    pub fn as_number(self) -> u64 {
        let d = self.0;
        (((((u64::try_from(d.year()).unwrap_or(0) * 100 + u64::from(u8::from(d.month()))) * 100 + u64::from(d.day()))
            * 100
            + u64::from(d.hour()))
            * 100
            + u64::from(d.minute()))
            * 100)
            + u64::from(d.second())
    }
}

impl FromStr for DTime {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::new("dtime", "must be 14 digits YYYYMMDDhhmmss"));
        }
        PrimitiveDateTime::parse(s, format_description!("[year][month][day][hour][minute][second]"))
            .map(Self)
            .map_err(|_| ParseError::new("dtime", "is not a valid date and time"))
    }
}

impl fmt::Display for DTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:014}", self.as_number())
    }
}

string_or_number_de!(DTime, "a date-time YYYYMMDDhhmmss");

/// A month `YYYYMM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct YearMonth {
    /// The year.
    pub year: i32,
    /// The month, 1–12.
    pub month: u8,
}

impl YearMonth {
    /// The month of the instant `t` in KST.
    pub fn kst(t: OffsetDateTime) -> Self {
        let k = t.to_offset(KST);
        Self { year: k.year(), month: u8::from(k.month()) }
    }

    /// Number of months from `self` to `other` (positive when `other` is later).
    pub fn months_until(self, other: Self) -> i32 {
        (other.year - self.year) * 12 + i32::from(other.month) - i32::from(self.month)
    }

    /// The first day of this month.
    pub fn first_day(self) -> Option<Date> {
        let m = time::Month::try_from(self.month).ok()?;
        time::Date::from_calendar_date(self.year, m, 1).ok().map(Date)
    }
}

impl FromStr for YearMonth {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::new("month", "must be 6 digits YYYYMM"));
        }
        let year: i32 = s[..4].parse().map_err(|_| ParseError::new("month", "bad year"))?;
        let month: u8 = s[4..].parse().map_err(|_| ParseError::new("month", "bad month"))?;
        if !(1..=12).contains(&month) {
            return Err(ParseError::new("month", "month must be 01–12"));
        }
        Ok(Self { year, month })
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}{:02}", self.year, self.month)
    }
}

string_or_number_de!(YearMonth, "a month YYYYMM");

/// A value that may be a date (`YYYYMMDD`) or a date-time (`YYYYMMDDhhmmss`); some fields are either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateOrDTime {
    /// Eight digits.
    Date(Date),
    /// Fourteen digits.
    DTime(DTime),
}

impl FromStr for DateOrDTime {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.len() {
            8 => s.parse().map(Self::Date),
            14 => s.parse().map(Self::DTime),
            _ => Err(ParseError::new("dtime", "must be YYYYMMDD or YYYYMMDDhhmmss")),
        }
    }
}

impl fmt::Display for DateOrDTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Date(d) => d.fmt(f),
            Self::DTime(t) => t.fmt(f),
        }
    }
}

string_or_number_de!(DateOrDTime, "a date YYYYMMDD or date-time YYYYMMDDhhmmss");

/// A `search_timestamp` (N(14)): `0` (send everything) or a KST date-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SearchTimestamp(pub u64);

impl SearchTimestamp {
    /// "Send everything".
    pub const ZERO: Self = Self(0);

    /// The timestamp for an instant.
    pub fn at(t: OffsetDateTime) -> Self {
        Self(DTime::kst(t).as_number())
    }
}

impl FromStr for SearchTimestamp {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t == "0" || t.is_empty() {
            return Ok(Self::ZERO);
        }
        DTime::from_str(t).map(|d| Self(d.as_number())).map_err(|e| e.for_field("search_timestamp"))
    }
}

impl fmt::Display for SearchTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 { f.write_str("0") } else { write!(f, "{:014}", self.0) }
    }
}

string_or_number_de!(SearchTimestamp, "a search_timestamp: 0 or YYYYMMDDhhmmss");

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::datetime;

    use super::*;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Row {
        cnt: Int,
        amt: Amount,
        ok: Flag,
        day: Date,
        at: DTime,
        month: YearMonth,
    }

    fn row() -> Row {
        Row {
            cnt: Int(3),
            amt: Amount(Decimal::new(123_450, 3)),
            ok: Flag(true),
            day: "20260131".parse().unwrap(),
            at: "20260131235959".parse().unwrap(),
            month: "202601".parse().unwrap(),
        }
    }

    #[test]
    fn writes_strings_by_default_and_native_by_switch() {
        let s = String::from_utf8(to_vec(&row(), ScalarMode::String).unwrap()).unwrap();
        assert_eq!(
            s,
            r#"{"cnt":"3","amt":"123.450","ok":"true","day":"20260131","at":"20260131235959","month":"202601"}"#
        );
        let n = String::from_utf8(to_vec(&row(), ScalarMode::Native).unwrap()).unwrap();
        assert_eq!(n, r#"{"cnt":3,"amt":123.45,"ok":true,"day":"20260131","at":"20260131235959","month":"202601"}"#);
        // The mode does not leak out of the call.
        assert_eq!(mode(), ScalarMode::String);
    }

    #[test]
    fn reads_both_forms() {
        let a: Row = serde_json::from_str(
            r#"{"cnt":"3","amt":"123.450","ok":"true","day":"20260131","at":"20260131235959","month":"202601"}"#,
        )
        .unwrap();
        let b: Row = serde_json::from_str(
            r#"{"cnt":3,"amt":123.450,"ok":true,"day":20260131,"at":20260131235959,"month":202601}"#,
        )
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(a, row());
    }

    #[test]
    fn refuses_malformed_scalars() {
        assert!(serde_json::from_str::<Int>(r#""12a""#).is_err());
        assert!(serde_json::from_str::<Int>("1.5").is_err());
        assert!(serde_json::from_str::<Amount>(r#""1e5""#).is_err());
        assert!(serde_json::from_str::<Flag>(r#""yes""#).is_err());
        assert!(serde_json::from_str::<Date>(r#""20260230""#).is_err());
        assert!(serde_json::from_str::<DTime>(r#""20260101246000""#).is_err());
        assert!(serde_json::from_str::<YearMonth>(r#""202613""#).is_err());
    }

    #[test]
    fn kst_conversion() {
        let t = datetime!(2026-01-31 15:30:05.5 UTC);
        assert_eq!(DTime::kst(t).to_string(), "20260201003005");
        assert_eq!(Date::kst(t).to_string(), "20260201");
        assert_eq!(DTime::kst(t).instant(), datetime!(2026-01-31 15:30:05 UTC));
        assert_eq!(SearchTimestamp::at(t).to_string(), "20260201003005");
        assert_eq!("0".parse::<SearchTimestamp>().unwrap(), SearchTimestamp::ZERO);
        assert_eq!(YearMonth { year: 2025, month: 11 }.months_until(YearMonth { year: 2026, month: 2 }), 3);
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in ".{0,20}") {
            let _ = s.parse::<Date>();
            let _ = s.parse::<DTime>();
            let _ = s.parse::<YearMonth>();
            let _ = s.parse::<DateOrDTime>();
            let _ = s.parse::<SearchTimestamp>();
            let _ = s.parse::<Amount>();
            let _ = serde_json::from_str::<Int>(&s);
            let _ = serde_json::from_str::<Amount>(&s);
        }

        #[test]
        fn dtime_round_trips(secs in 0i64..4_000_000_000) {
            let t = OffsetDateTime::from_unix_timestamp(secs).unwrap();
            let d = DTime::kst(t);
            prop_assert_eq!(d.to_string().parse::<DTime>().unwrap(), d);
            prop_assert_eq!(d.instant(), t);
            prop_assert_eq!(d.date().to_string().parse::<Date>().unwrap(), d.date());
        }

        #[test]
        fn amount_round_trips_in_both_modes(units in -10_000_000_000_000i64..10_000_000_000_000, scale in 0u32..4) {
            let a = Amount(Decimal::new(units, scale));
            for m in [ScalarMode::String, ScalarMode::Native] {
                let v = to_vec(&a, m).unwrap();
                let back: Amount = serde_json::from_slice(&v).unwrap();
                prop_assert_eq!(back.0.normalize(), a.0.normalize());
            }
        }

        #[test]
        fn int_round_trips_in_both_modes(v in any::<i64>()) {
            for m in [ScalarMode::String, ScalarMode::Native] {
                let b = to_vec(&Int(v), m).unwrap();
                prop_assert_eq!(serde_json::from_slice::<Int>(&b).unwrap(), Int(v));
            }
        }
    }
}
