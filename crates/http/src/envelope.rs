//! The success envelope: `rsp_code`, `rsp_msg` and the API's own fields, written in the configured scalar
//! mode (strings by default, spec §1.9).

use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use mydata_core::rsp_code::RspCode;
use mydata_core::wire::{self, ScalarMode};
use serde::Serialize;

use crate::JSON_UTF8;
use crate::error::{ApiError, RspCodeExt};

#[derive(Serialize)]
struct Wrapped<'a, T: Serialize> {
    rsp_code: &'static str,
    rsp_msg: &'static str,
    #[serde(flatten)]
    body: &'a T,
}

/// A successful response: `{"rsp_code":"00000","rsp_msg":...,<fields of T>}`.
#[derive(Debug)]
pub struct Envelope<T> {
    code: RspCode,
    body: T,
    mode: ScalarMode,
}

impl<T: Serialize> Envelope<T> {
    /// `00000` with `body`'s fields.
    pub fn ok(body: T, mode: ScalarMode) -> Self {
        Self { code: RspCode::Success, body, mode }
    }
}

impl Envelope<()> {
    /// `00001` UP_TO_DATE: nothing changed since the caller's `search_timestamp`; no data fields.
    pub fn up_to_date() -> Self {
        Self { code: RspCode::UpToDate, body: (), mode: ScalarMode::String }
    }

    /// `00000` with no fields.
    pub fn empty() -> Self {
        Self { code: RspCode::Success, body: (), mode: ScalarMode::String }
    }
}

/// `()` flattened: no fields.
impl<T: Serialize> IntoResponse for Envelope<T> {
    fn into_response(self) -> Response {
        let wrapped = Wrapped { rsp_code: self.code.code(), rsp_msg: self.code.default_message(), body: &self.body };
        match wire::to_vec(&wrapped, self.mode) {
            Ok(bytes) => {
                let mut res = (StatusCode::OK, bytes).into_response();
                res.headers_mut().insert(header::CONTENT_TYPE, JSON_UTF8);
                res.extensions_mut().insert(RspCodeExt(self.code));
                res
            }
            Err(e) => ApiError::internal(format!("serialising a response: {e}")).into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;
    use mydata_core::wire::Int;

    use super::*;

    #[derive(Serialize)]
    struct Accounts {
        account_cnt: Int,
        account_list: Vec<u8>,
    }

    async fn json(r: Response) -> serde_json::Value {
        serde_json::from_slice(&r.into_body().collect().await.unwrap().to_bytes()).unwrap()
    }

    #[tokio::test]
    async fn success_envelope_in_both_modes() {
        let s = json(
            Envelope::ok(Accounts { account_cnt: Int(0), account_list: vec![] }, ScalarMode::String).into_response(),
        )
        .await;
        assert_eq!(
            s,
            serde_json::json!({"rsp_code":"00000","rsp_msg":s["rsp_msg"],"account_cnt":"0","account_list":[]})
        );
        let n = json(
            Envelope::ok(Accounts { account_cnt: Int(0), account_list: vec![] }, ScalarMode::Native).into_response(),
        )
        .await;
        assert_eq!(n["account_cnt"], 0);
    }

    #[tokio::test]
    async fn up_to_date_has_no_data_fields() {
        let r = Envelope::up_to_date().into_response();
        assert_eq!(r.extensions().get::<RspCodeExt>(), Some(&RspCodeExt(RspCode::UpToDate)));
        let v = json(r).await;
        assert_eq!(v.as_object().unwrap().len(), 2);
        assert_eq!(v["rsp_code"], "00001");
    }
}
