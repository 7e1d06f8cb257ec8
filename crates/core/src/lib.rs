//! Domain types and rules of the MyData platform.
//!
//! This crate does no I/O. It holds the identifiers of the Korean financial MyData standard (organisation
//! codes, CIs, transaction ids, scopes), the API catalogue and the response-code table, the wire formats
//! (KST dates, decimal amounts, the string-or-native scalar codec) and the masking helpers used wherever
//! personal data could reach a log.

pub mod catalogue;
pub mod ci;
pub mod clock;
pub mod error;
pub mod industry;
pub mod mask;
pub mod rsp_code;
pub mod scope;
pub mod seed;
pub mod tran_id;
pub mod wire;

pub use ci::Ci;
pub use clock::{Clock, ManualClock, SharedClock, SystemClock};
pub use error::ParseError;
pub use industry::{Industry, OrgCode};
pub use tran_id::{GeneratorType, TranId, TranIdGenerator};
