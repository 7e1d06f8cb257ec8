//! The response-code table (spec §5.1) and the OAuth error codes (spec §2.9).
//!
//! Every non-OAuth response carries an [`RspCode`] in `rsp_code`; its HTTP status is fixed by the table. The OAuth
//! endpoints (authorize, token, revoke, support token) answer errors with an [`OAuthError`] in `error` instead, and
//! the revoke endpoint answers success with one of the two [`RevokeCode`]s (spec §2.5).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::ParseError;

/// A response code of 첨부1 (spec §5.1), sent as the five-character string `rsp_code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum RspCode {
    /// `00000` — success.
    Success,
    /// `00001` — success, nothing changed since `search_timestamp` (UP_TO_DATE); no data fields.
    UpToDate,
    /// `40001` — a request parameter is wrong (type, length, …).
    InvalidParameter,
    /// `40002` — a header is missing or wrong.
    InvalidHeader,
    /// `40003` — the API version is not supported.
    UnsupportedVersion,
    /// `40004` — the from/to query window exceeds the rules of spec §1.5.
    WindowExceeded,
    /// `40101` — the access token is invalid.
    InvalidToken,
    /// `40102` — the client IP is not allowed.
    IpNotAllowed,
    /// `40103` — the TLS client certificate's serialNumber does not match the registry.
    CertSerialMismatch,
    /// `40104` — no permission for this API (insufficient scope).
    ScopeInsufficient,
    /// `40105` — no permission for this asset (not in the consent).
    AssetNotConsented,
    /// `40106` — the consent's end date has passed, even if the token is still valid.
    ConsentExpired,
    /// `40301` — invalid API call.
    InvalidApiCall,
    /// `40302` — this client is temporarily restricted.
    ClientRestricted,
    /// `40303` — `org_code` not recognised.
    UnknownOrg,
    /// `40304` — data older than five years was requested.
    DataTooOld,
    /// `40305` — the asset is not in a normal state (card cancelled, account closed, …).
    AssetNotNormal,
    /// `40401` — the endpoint does not exist.
    NotFound,
    /// `40402` — the asset does not exist or belongs to someone else (never used for "no rows").
    InvalidAsset,
    /// `40403` — the subject (정보주체) is not known.
    UnknownSubject,
    /// `40501` — the HTTP method is not allowed.
    MethodNotAllowed,
    /// `42901` — a request limit was exceeded (e.g. the scheduled-cycle quota).
    TooManyRequests,
    /// `50001` — system failure.
    SystemFailure,
    /// `50002` — the API could not be processed.
    ProcessingFailed,
    /// `50003` — processing timed out.
    Timeout,
    /// `50004` — unknown error (reserved).
    Unknown,
    /// `50005` — the relay is up but the member institution is unavailable.
    RelayMemberUnavailable,
    /// `50006` — the hub relay is up but its member is unavailable.
    HubRelayMemberUnavailable,
    /// `50007` — the relay could not convert the member's message.
    RelayConversionFailed,
    /// `50008` — scheduled maintenance.
    Maintenance,
    /// `50009` — a scheduled call outside the provider's non-peak windows.
    OutsideNonPeakWindow,
}

impl RspCode {
    /// Every code of the table, in table order.
    pub const ALL: [Self; 31] = [
        Self::Success,
        Self::UpToDate,
        Self::InvalidParameter,
        Self::InvalidHeader,
        Self::UnsupportedVersion,
        Self::WindowExceeded,
        Self::InvalidToken,
        Self::IpNotAllowed,
        Self::CertSerialMismatch,
        Self::ScopeInsufficient,
        Self::AssetNotConsented,
        Self::ConsentExpired,
        Self::InvalidApiCall,
        Self::ClientRestricted,
        Self::UnknownOrg,
        Self::DataTooOld,
        Self::AssetNotNormal,
        Self::NotFound,
        Self::InvalidAsset,
        Self::UnknownSubject,
        Self::MethodNotAllowed,
        Self::TooManyRequests,
        Self::SystemFailure,
        Self::ProcessingFailed,
        Self::Timeout,
        Self::Unknown,
        Self::RelayMemberUnavailable,
        Self::HubRelayMemberUnavailable,
        Self::RelayConversionFailed,
        Self::Maintenance,
        Self::OutsideNonPeakWindow,
    ];

    /// The wire code (`"40001"`).
    pub const fn code(self) -> &'static str {
        match self {
            Self::Success => "00000",
            Self::UpToDate => "00001",
            Self::InvalidParameter => "40001",
            Self::InvalidHeader => "40002",
            Self::UnsupportedVersion => "40003",
            Self::WindowExceeded => "40004",
            Self::InvalidToken => "40101",
            Self::IpNotAllowed => "40102",
            Self::CertSerialMismatch => "40103",
            Self::ScopeInsufficient => "40104",
            Self::AssetNotConsented => "40105",
            Self::ConsentExpired => "40106",
            Self::InvalidApiCall => "40301",
            Self::ClientRestricted => "40302",
            Self::UnknownOrg => "40303",
            Self::DataTooOld => "40304",
            Self::AssetNotNormal => "40305",
            Self::NotFound => "40401",
            Self::InvalidAsset => "40402",
            Self::UnknownSubject => "40403",
            Self::MethodNotAllowed => "40501",
            Self::TooManyRequests => "42901",
            Self::SystemFailure => "50001",
            Self::ProcessingFailed => "50002",
            Self::Timeout => "50003",
            Self::Unknown => "50004",
            Self::RelayMemberUnavailable => "50005",
            Self::HubRelayMemberUnavailable => "50006",
            Self::RelayConversionFailed => "50007",
            Self::Maintenance => "50008",
            Self::OutsideNonPeakWindow => "50009",
        }
    }

    /// The HTTP status the table assigns to this code.
    pub const fn http_status(self) -> u16 {
        match self {
            Self::Success | Self::UpToDate => 200,
            Self::InvalidParameter | Self::InvalidHeader | Self::UnsupportedVersion | Self::WindowExceeded => 400,
            Self::InvalidToken
            | Self::IpNotAllowed
            | Self::CertSerialMismatch
            | Self::ScopeInsufficient
            | Self::AssetNotConsented
            | Self::ConsentExpired => 401,
            Self::InvalidApiCall
            | Self::ClientRestricted
            | Self::UnknownOrg
            | Self::DataTooOld
            | Self::AssetNotNormal => 403,
            Self::NotFound | Self::InvalidAsset | Self::UnknownSubject => 404,
            Self::MethodNotAllowed => 405,
            Self::TooManyRequests => 429,
            Self::SystemFailure
            | Self::ProcessingFailed
            | Self::Timeout
            | Self::Unknown
            | Self::RelayMemberUnavailable
            | Self::HubRelayMemberUnavailable
            | Self::RelayConversionFailed
            | Self::Maintenance
            | Self::OutsideNonPeakWindow => 500,
        }
    }

    /// A short Korean `rsp_msg` for this code (the wording is free; only the code is fixed).
    pub const fn default_message(self) -> &'static str {
        match self {
            Self::Success => "성공",
            Self::UpToDate => "변경된 정보 없음",
            Self::InvalidParameter => "요청 파라미터 오류",
            Self::InvalidHeader => "헤더 값 미존재 또는 오류",
            Self::UnsupportedVersion => "허용되지 않는 API 버전",
            Self::WindowExceeded => "조회 기간 허용 범위 초과",
            Self::InvalidToken => "유효하지 않은 접근토큰",
            Self::IpNotAllowed => "허용되지 않은 IP",
            Self::CertSerialMismatch => "인증서 일련번호 검증 실패",
            Self::ScopeInsufficient => "API 접근 권한 없음",
            Self::AssetNotConsented => "자산 접근 권한 없음",
            Self::ConsentExpired => "전송요구 기간 만료",
            Self::InvalidApiCall => "유효하지 않은 API 호출",
            Self::ClientRestricted => "일시적으로 제한된 클라이언트",
            Self::UnknownOrg => "기관코드 확인 불가",
            Self::DataTooOld => "5년 이전 정보 요청",
            Self::AssetNotNormal => "정상 상태가 아닌 자산",
            Self::NotFound => "존재하지 않는 엔드포인트",
            Self::InvalidAsset => "유효하지 않은 자산",
            Self::UnknownSubject => "정보주체 확인 불가",
            Self::MethodNotAllowed => "허용되지 않는 메서드",
            Self::TooManyRequests => "요청 한도 초과",
            Self::SystemFailure => "시스템 장애",
            Self::ProcessingFailed => "API 처리 실패",
            Self::Timeout => "처리 시간 초과",
            Self::Unknown => "알 수 없는 오류",
            Self::RelayMemberUnavailable => "중계기관 회원사 서비스 불가",
            Self::HubRelayMemberUnavailable => "허브 중계기관 회원사 서비스 불가",
            Self::RelayConversionFailed => "중계기관 전문 변환 실패",
            Self::Maintenance => "정기 점검 중",
            Self::OutsideNonPeakWindow => "정기적 전송 허용 시간 아님",
        }
    }

    /// Whether the code reports success (`00000` or `00001`).
    pub const fn is_success(self) -> bool {
        matches!(self, Self::Success | Self::UpToDate)
    }
}

impl fmt::Display for RspCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for RspCode {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| ParseError::new("rsp_code", "is not a response code of the standard"))
    }
}

impl TryFrom<String> for RspCode {
    type Error = ParseError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<RspCode> for &'static str {
    fn from(c: RspCode) -> Self {
        c.code()
    }
}

/// The wire value of a successful revoke (spec §2.5).
pub const REVOKE_OK: &str = "00000";
/// The wire value of a revoke whose token was not valid; HTTP 200 and not an error (spec §2.5, RFC 7009).
pub const REVOKE_INVALID_TOKEN: &str = "99999";

/// The `rsp_code` of a 개별인증-004 revoke answer, always sent with HTTP 200 (spec §2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum RevokeCode {
    /// `00000` — the access token and its refresh token were revoked.
    Revoked,
    /// `99999` — the token was not valid.
    InvalidToken,
}

impl RevokeCode {
    /// The wire code.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Revoked => REVOKE_OK,
            Self::InvalidToken => REVOKE_INVALID_TOKEN,
        }
    }

    /// A short Korean `rsp_msg`.
    pub const fn default_message(self) -> &'static str {
        match self {
            Self::Revoked => "성공",
            Self::InvalidToken => "유효하지 않은 토큰",
        }
    }
}

impl fmt::Display for RevokeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for RevokeCode {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            REVOKE_OK => Ok(Self::Revoked),
            REVOKE_INVALID_TOKEN => Ok(Self::InvalidToken),
            _ => Err(ParseError::new("rsp_code", "is not a revoke result code (00000 or 99999)")),
        }
    }
}

impl TryFrom<String> for RevokeCode {
    type Error = ParseError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<RevokeCode> for &'static str {
    fn from(c: RevokeCode) -> Self {
        c.code()
    }
}

/// An OAuth error code (`error`) of the authorize, token, refresh and revoke endpoints (spec §2.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OAuthError {
    /// `invalid_client_id` — authorize: `client_id` missing or invalid (JSON 400, no redirect).
    InvalidClientId,
    /// `invalid_request` — a parameter or header is missing or wrong.
    InvalidRequest,
    /// `method_not_allowed` — wrong HTTP method.
    MethodNotAllowed,
    /// `unauthorized_client` — IP not allowed or TLS serialNumber check failed.
    UnauthorizedClient,
    /// `access_denied` — authorize: the user refused or cancelled.
    AccessDenied,
    /// `unsupported_response_type` — authorize: `response_type` is not `code`.
    UnsupportedResponseType,
    /// `server_error` — internal failure.
    ServerError,
    /// `temporarily_unavailable` — try later (may carry `Retry-After`).
    TemporarilyUnavailable,
    /// `unauthorized_user` — CI mismatch or the user may not use the service (e.g. age).
    UnauthorizedUser,
    /// `invalid_client` — client authentication failed.
    InvalidClient,
    /// `invalid_grant` — code or refresh token wrong or expired, or `redirect_uri` mismatch.
    InvalidGrant,
    /// `unsupported_grant_type` — the `grant_type` is not supported.
    UnsupportedGrantType,
    /// `invalid_scope` — the requested scope is invalid.
    InvalidScope,
}

impl OAuthError {
    /// Every OAuth error code of spec §2.9.
    pub const ALL: [Self; 13] = [
        Self::InvalidClientId,
        Self::InvalidRequest,
        Self::MethodNotAllowed,
        Self::UnauthorizedClient,
        Self::AccessDenied,
        Self::UnsupportedResponseType,
        Self::ServerError,
        Self::TemporarilyUnavailable,
        Self::UnauthorizedUser,
        Self::InvalidClient,
        Self::InvalidGrant,
        Self::UnsupportedGrantType,
        Self::InvalidScope,
    ];

    /// The wire name (`invalid_grant`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidClientId => "invalid_client_id",
            Self::InvalidRequest => "invalid_request",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::AccessDenied => "access_denied",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::UnauthorizedUser => "unauthorized_user",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
        }
    }

    /// The HTTP status on the token, refresh and revoke endpoints: 405 for `method_not_allowed`, 500 for
    /// `server_error`, 503 for `temporarily_unavailable`, 400 for every other code.
    ///
    /// The authorize endpoint answers only `invalid_client_id`, `invalid_request` (bad `redirect_uri`) and
    /// `method_not_allowed` as JSON with the same statuses; every other authorize error is a 302 to the callback.
    pub const fn token_endpoint_status(self) -> u16 {
        match self {
            Self::MethodNotAllowed => 405,
            Self::ServerError => 500,
            Self::TemporarilyUnavailable => 503,
            _ => 400,
        }
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OAuthError {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|e| e.as_str() == s)
            .ok_or_else(|| ParseError::new("error", "is not an OAuth error code of the standard"))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn rsp_codes_round_trip() {
        for c in RspCode::ALL {
            assert_eq!(c.code().parse::<RspCode>().unwrap(), c);
            assert_eq!(c.to_string(), c.code());
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.code()));
            assert_eq!(serde_json::from_str::<RspCode>(&json).unwrap(), c);
            assert!(!c.default_message().is_empty());
        }
    }

    #[test]
    fn rsp_code_table_has_no_duplicates() {
        let codes: HashSet<_> = RspCode::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(codes.len(), RspCode::ALL.len());
        let variants: HashSet<_> = RspCode::ALL.iter().collect();
        assert_eq!(variants.len(), RspCode::ALL.len());
        for c in RspCode::ALL {
            assert_eq!(c.code().len(), 5);
            assert!(c.code().bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn rsp_status_follows_the_first_digits() {
        for c in RspCode::ALL {
            let expected = match &c.code()[..3] {
                "000" => 200,
                prefix => prefix.parse::<u16>().unwrap(),
            };
            assert_eq!(c.http_status(), expected, "{c}");
            assert_eq!(c.is_success(), c.http_status() == 200, "{c}");
        }
    }

    #[test]
    fn rsp_code_spot_checks() {
        assert_eq!(RspCode::InvalidParameter.code(), "40001");
        assert_eq!(RspCode::InvalidParameter.default_message(), "요청 파라미터 오류");
        assert_eq!(RspCode::TooManyRequests.http_status(), 429);
        assert_eq!(RspCode::OutsideNonPeakWindow.code(), "50009");
        assert_eq!(RspCode::ConsentExpired.http_status(), 401);
    }

    #[test]
    fn unknown_rsp_codes_are_refused() {
        for bad in ["", "0000", "000000", "40404", "42902", "99999", "000", " 00000", "4000A"] {
            let e = bad.parse::<RspCode>().unwrap_err();
            assert_eq!(e.field(), "rsp_code");
        }
        assert!(serde_json::from_str::<RspCode>("\"40404\"").is_err());
        assert!(serde_json::from_str::<RspCode>("40001").is_err());
    }

    #[test]
    fn revoke_codes_round_trip() {
        for c in [RevokeCode::Revoked, RevokeCode::InvalidToken] {
            assert_eq!(c.code().parse::<RevokeCode>().unwrap(), c);
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(serde_json::from_str::<RevokeCode>(&json).unwrap(), c);
        }
        assert_eq!(RevokeCode::Revoked.code(), RspCode::Success.code());
        assert_eq!(RevokeCode::InvalidToken.to_string(), "99999");
        assert_eq!("40101".parse::<RevokeCode>().unwrap_err().field(), "rsp_code");
    }

    #[test]
    fn oauth_errors_round_trip() {
        let names: HashSet<_> = OAuthError::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(names.len(), OAuthError::ALL.len());
        for e in OAuthError::ALL {
            assert_eq!(e.as_str().parse::<OAuthError>().unwrap(), e);
            let json = serde_json::to_string(&e).unwrap();
            assert_eq!(json, format!("\"{}\"", e.as_str()));
            assert_eq!(serde_json::from_str::<OAuthError>(&json).unwrap(), e);
        }
        assert_eq!("invalid client".parse::<OAuthError>().unwrap_err().field(), "error");
    }

    #[test]
    fn oauth_token_endpoint_statuses() {
        assert_eq!(OAuthError::MethodNotAllowed.token_endpoint_status(), 405);
        assert_eq!(OAuthError::ServerError.token_endpoint_status(), 500);
        assert_eq!(OAuthError::TemporarilyUnavailable.token_endpoint_status(), 503);
        for e in [
            OAuthError::InvalidRequest,
            OAuthError::InvalidClient,
            OAuthError::InvalidGrant,
            OAuthError::UnauthorizedClient,
            OAuthError::UnsupportedGrantType,
            OAuthError::InvalidScope,
            OAuthError::UnauthorizedUser,
        ] {
            assert_eq!(e.token_endpoint_status(), 400, "{e}");
        }
    }
}
