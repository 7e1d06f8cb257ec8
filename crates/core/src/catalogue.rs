//! The API catalogue: every API of the standard with method, path, industry, scope, kind and cycle class.
//!
//! The table holds the sector APIs of spec §4 once per industry that serves them (the 첨부12 codes of §3.3), the
//! individual and integrated authentication endpoints (§2.2–§2.5, §2.8), the support APIs (§3) and the
//! certificate-authority signing APIs (§2.8). Where the 2021 drafts and the 2022 revision differ, the 2022 shape
//! is used (e.g. `POST /v1/telecom/telecoms/bills`, paginated list APIs).
//!
//! The HTTP method of a sector API follows spec §4.0: card APIs are all `GET`; elsewhere lists, the API list
//! (공통-001) and the consent (공통-002) are `GET` and every other API is `POST`.
//!
//! Some paths are served by several APIs on different servers or with different `grant_type`s:
//! `POST /oauth/2.0/token` is AU02, AU03, AU11 (and the certificate authority's CA01), and
//! `POST /mgmts/oauth/2.0/token` is 지원-001 (SU01, at the portal) and 지원-101 (SU11, at each organisation).
//! [`find`] returns the first of them in table order (AU02, SU01); callers that must tell them apart look at the
//! request (`grant_type`, the serving role).

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::OnceLock;

use crate::error::ParseError;
use crate::industry::Industry::{self, Bank, Bond, Capital, Card, Efin, Ginsu, Insu, Invest, P2p, Telecom, Usury};

/// The HTTP method of an API; the standard uses only `GET` and `POST` (spec §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
}

impl Method {
    /// The method as written on the wire (`GET`, `POST`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
        }
    }
}

impl FromStr for Method {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "GET" => Ok(Self::Get),
            "POST" => Ok(Self::Post),
            _ => Err(ParseError::new("method", "only GET and POST are used by the standard")),
        }
    }
}

/// What an API does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiKind {
    /// Authorization endpoints: authorize, token, refresh, revoke (individual and integrated).
    Auth,
    /// The API list of an industry (공통-001).
    Meta,
    /// The transmission-request consent (공통-002).
    Consent,
    /// An asset list (목록), e.g. `/accounts`, `/cards`.
    List,
    /// Basic information (기본정보) of one asset, or of the subject for yes/no scopes.
    Basic,
    /// Further information (추가정보) of one asset, e.g. balances.
    Detail,
    /// Transactions (거래내역), bills and approvals.
    Transactions,
    /// Support APIs (지원) between the portal and the organisations.
    Support,
    /// The certificate authority's signing APIs of integrated authentication.
    CertAuthority,
}

/// The cycle class of a sector API (spec §4.0): which consent cycle (`fnd_cycle` / `add_cycle`) governs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CycleClass {
    /// 기본 — data that rarely changes (products, subscriptions); governed by `fnd_cycle`.
    Basic,
    /// 추가 — data that changes often (balances, transactions); governed by `add_cycle`.
    Additional,
    /// Not a sector data API (auth, support, certificate authority).
    NotApplicable,
}

/// How the query of a transactions API is bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Window {
    /// No date window.
    None,
    /// `from_date` / `to_date` (`YYYYMMDD`).
    Daily,
    /// `from_month` / `to_month` (`YYYYMM`).
    Monthly,
}

/// One API of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApiSpec {
    /// The 첨부12 API type code (`BA04`); `SU01`–`SU06` for 지원-001…006, `SU11`–`SU14` for 지원-101…104 and
    /// `CA01`–`CA04` for the certificate authority (these last two groups are this project's own codes).
    pub code: &'static str,
    /// The spec's identifier (`은행-004`, `지원-002`, `개별인증-001`, `통합인증-002`, …).
    pub spec_id: &'static str,
    /// A short English description.
    pub name: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The full path as served, with `{card_id}` style templates (`/v1/card/cards/{card_id}/approval-domestic`).
    pub path: &'static str,
    /// The industry serving it; `None` for auth, support and certificate-authority APIs.
    pub industry: Option<Industry>,
    /// The scope the access token must hold (`bank.deposit`; `<industry>.list` for lists, the API list and the
    /// consent; `manage` for support APIs; `ca` for the signing APIs); `None` for token-issuing endpoints.
    pub scope: Option<&'static str>,
    /// What the API does.
    pub kind: ApiKind,
    /// Its cycle class.
    pub cycle: CycleClass,
    /// How its query is bounded.
    pub window: Window,
    /// The longest window of one `scheduled` call in months: 0 without a window, 1 for date windows (31 days),
    /// 3 for month windows and for the date-window exceptions of spec §1.5.
    pub scheduled_max_months: u8,
    /// Whether it accepts `next_page` / `limit`.
    pub paginated: bool,
    /// Whether it accepts `search_timestamp`.
    pub timestamped: bool,
    /// The request fields naming the asset (`["account_num", "seqno"]`); empty for lists and subject-wide APIs.
    pub asset_keys: &'static [&'static str],
}

impl ApiSpec {
    /// Whether `code` is an API type code of 첨부12, i.e. may appear as `api_type` in statistics (지원-004/005).
    pub const fn is_statistics_type(&self) -> bool {
        !matches!(self.kind, ApiKind::Support | ApiKind::CertAuthority)
    }

    /// Whether `path` (without query string) is served by this API, filling `{…}` templates with one segment.
    pub fn matches_path(&self, path: &str) -> bool {
        if !self.path.contains('{') {
            return self.path == path;
        }
        let mut template = self.path.split('/');
        let mut actual = path.split('/');
        loop {
            match (template.next(), actual.next()) {
                (None, None) => return true,
                (Some(t), Some(a)) => {
                    let is_param = t.starts_with('{') && t.ends_with('}');
                    if (is_param && a.is_empty()) || (!is_param && t != a) {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    }

    // === builders for the table ===

    const fn new(code: &'static str, spec_id: &'static str, name: &'static str) -> Self {
        Self {
            code,
            spec_id,
            name,
            method: Method::Post,
            path: "",
            industry: None,
            scope: None,
            kind: ApiKind::Auth,
            cycle: CycleClass::NotApplicable,
            window: Window::None,
            scheduled_max_months: 0,
            paginated: false,
            timestamped: false,
            asset_keys: &[],
        }
    }

    const fn get(mut self, path: &'static str) -> Self {
        self.method = Method::Get;
        self.path = path;
        self
    }

    const fn post(mut self, path: &'static str) -> Self {
        self.method = Method::Post;
        self.path = path;
        self
    }

    const fn support(mut self, scope: Option<&'static str>) -> Self {
        self.kind = ApiKind::Support;
        self.scope = scope;
        self
    }

    const fn ca(mut self, scope: Option<&'static str>) -> Self {
        self.kind = ApiKind::CertAuthority;
        self.scope = scope;
        self
    }

    /// A sector API; the method follows spec §4.0 (card: GET; elsewhere GET for list-like kinds, POST otherwise).
    const fn sector(mut self, industry: Industry, scope: &'static str, path: &'static str, kind: ApiKind) -> Self {
        let get = matches!(industry, Card) || matches!(kind, ApiKind::List | ApiKind::Meta | ApiKind::Consent);
        self.method = if get { Method::Get } else { Method::Post };
        self.path = path;
        self.industry = Some(industry);
        self.scope = Some(scope);
        self.kind = kind;
        self.cycle = match kind {
            ApiKind::Detail | ApiKind::Transactions => CycleClass::Additional,
            _ => CycleClass::Basic,
        };
        self.timestamped = !matches!(kind, ApiKind::Meta | ApiKind::Consent | ApiKind::Transactions);
        self
    }

    const fn meta(self, industry: Industry, scope: &'static str, path: &'static str) -> Self {
        self.sector(industry, scope, path, ApiKind::Meta)
    }

    const fn consent(self, industry: Industry, scope: &'static str, path: &'static str) -> Self {
        self.sector(industry, scope, path, ApiKind::Consent)
    }

    const fn list(self, industry: Industry, scope: &'static str, path: &'static str) -> Self {
        self.sector(industry, scope, path, ApiKind::List)
    }

    const fn basic(self, industry: Industry, scope: &'static str, path: &'static str, keys: Keys) -> Self {
        self.sector(industry, scope, path, ApiKind::Basic).keys(keys)
    }

    const fn detail(self, industry: Industry, scope: &'static str, path: &'static str, keys: Keys) -> Self {
        self.sector(industry, scope, path, ApiKind::Detail).keys(keys)
    }

    /// Transactions without a from/to window, paginated.
    const fn transactions(self, industry: Industry, scope: &'static str, path: &'static str, keys: Keys) -> Self {
        self.sector(industry, scope, path, ApiKind::Transactions).keys(keys).paged()
    }

    /// Transactions with `from_date` / `to_date`, paginated, one month (31 days) per scheduled call.
    const fn daily(self, industry: Industry, scope: &'static str, path: &'static str, keys: Keys) -> Self {
        let mut s = self.transactions(industry, scope, path, keys);
        s.window = Window::Daily;
        s.scheduled_max_months = 1;
        s
    }

    /// Transactions with `from_month` / `to_month`, not paginated, three months per scheduled call.
    const fn monthly(self, industry: Industry, scope: &'static str, path: &'static str, keys: Keys) -> Self {
        let mut s = self.sector(industry, scope, path, ApiKind::Transactions).keys(keys);
        s.window = Window::Monthly;
        s.scheduled_max_months = 3;
        s
    }

    const fn keys(mut self, keys: Keys) -> Self {
        self.asset_keys = keys;
        self
    }

    const fn paged(mut self) -> Self {
        self.paginated = true;
        self
    }

    const fn timestamped(mut self) -> Self {
        self.timestamped = true;
        self
    }

    const fn cycle(mut self, cycle: CycleClass) -> Self {
        self.cycle = cycle;
        self
    }

    /// A date-window exception of spec §1.5: three months per scheduled call.
    const fn three_months(mut self) -> Self {
        self.scheduled_max_months = 3;
        self
    }
}

type Keys = &'static [&'static str];

const ACCOUNT_SEQ: Keys = &["account_num", "seqno"];
const ACCOUNT: Keys = &["account_num"];
const CARD_ID: Keys = &["card_id"];
const BILL: Keys = &["seqno", "charge_month"];
const PP_ID: Keys = &["pp_id"];
const INSU: Keys = &["insu_num"];
const INSU_INSURED: Keys = &["insu_num", "insured_no"];
const INSU_CAR: Keys = &["insu_num", "car_number"];
const FOB: Keys = &["fob_id", "account_id"];
const SUB_KEY: Keys = &["sub_key"];
const MGMT: Keys = &["mgmt_id"];
const LENDING: Keys = &["lending_id"];
const BOND: Keys = &["bond_num"];
const SUBJECT: Keys = &[];

const MANAGE: Option<&str> = Some("manage");
const CA: Option<&str> = Some("ca");

const fn api(code: &'static str, spec_id: &'static str, name: &'static str) -> ApiSpec {
    ApiSpec::new(code, spec_id, name)
}

static APIS: &[ApiSpec] = &[
    // --- individual and integrated authentication (spec §2.2–§2.5, §2.8) ---
    api("AU01", "개별인증-001", "Authorization code").get("/oauth/2.0/authorize"),
    api("AU02", "개별인증-002", "Token from authorization code").post("/oauth/2.0/token"),
    api("AU03", "개별인증-003", "Token refresh").post("/oauth/2.0/token"),
    api("AU04", "개별인증-004", "Token revocation").post("/oauth/2.0/revoke"),
    api("AU11", "통합인증-002", "Token from signed consent").post("/oauth/2.0/token"),
    // --- support APIs (spec §3) ---
    api("SU01", "지원-001", "Support token from the portal").post("/mgmts/oauth/2.0/token").support(None),
    api("SU02", "지원-002", "Organisation registry").get("/v1/mgmts/orgs").support(MANAGE).timestamped(),
    api("SU03", "지원-003", "Service registry").get("/v1/mgmts/services").support(MANAGE).timestamped(),
    api("SU04", "지원-004", "Operator statistics").post("/v1/mgmts/statistics/mydata").support(MANAGE),
    api("SU05", "지원-005", "Provider statistics").post("/v1/mgmts/statistics/provider").support(MANAGE),
    api("SU06", "지원-006", "Registry for certificate authorities")
        .get("/v1/mgmts/orgs_for_ca")
        .support(MANAGE)
        .timestamped(),
    api("SU11", "지원-101", "Support token from an organisation").post("/mgmts/oauth/2.0/token").support(None),
    api("SU12", "지원-102", "Provider availability").get("/v1/mgmts/status").support(MANAGE),
    api("SU13", "지원-103", "Subject's valid consents").post("/v1/mgmts/consents").support(MANAGE),
    api("SU14", "지원-104", "Statistics resend request").get("/v1/mgmts/req-statistics").support(MANAGE),
    // --- certificate authority of integrated authentication (spec §2.8) ---
    api("CA01", "통합인증-101", "Certificate authority token").post("/oauth/2.0/token").ca(None),
    api("CA02", "통합인증-102", "Signature request").post("/ca/sign_request").ca(CA),
    api("CA03", "통합인증-103", "Signature result").post("/ca/sign_result").ca(CA),
    api("CA04", "통합인증-104", "Signature verification").post("/ca/sign_verification").ca(CA),
    // --- bank (spec §4.2) ---
    api("CM01", "공통-001", "API list").meta(Bank, "bank.list", "/bank/apis"),
    api("CM02", "공통-002", "Consent").consent(Bank, "bank.list", "/v1/bank/consents"),
    api("BA01", "은행-001", "Account list").list(Bank, "bank.list", "/v1/bank/accounts").paged(),
    api("BA02", "은행-002", "Deposit account basic").basic(
        Bank,
        "bank.deposit",
        "/v1/bank/accounts/deposit/basic",
        ACCOUNT_SEQ,
    ),
    api("BA03", "은행-003", "Deposit account detail").detail(
        Bank,
        "bank.deposit",
        "/v1/bank/accounts/deposit/detail",
        ACCOUNT_SEQ,
    ),
    api("BA04", "은행-004", "Deposit account transactions").daily(
        Bank,
        "bank.deposit",
        "/v1/bank/accounts/deposit/transactions",
        ACCOUNT_SEQ,
    ),
    api("BA11", "은행-005", "Investment account basic").basic(
        Bank,
        "bank.invest",
        "/v1/bank/accounts/invest/basic",
        ACCOUNT_SEQ,
    ),
    api("BA12", "은행-006", "Investment account detail").detail(
        Bank,
        "bank.invest",
        "/v1/bank/accounts/invest/detail",
        ACCOUNT_SEQ,
    ),
    api("BA13", "은행-007", "Investment account transactions").daily(
        Bank,
        "bank.invest",
        "/v1/bank/accounts/invest/transactions",
        ACCOUNT_SEQ,
    ),
    api("BA21", "은행-008", "Loan account basic").basic(Bank, "bank.loan", "/v1/bank/accounts/loan/basic", ACCOUNT_SEQ),
    api("BA22", "은행-009", "Loan account detail").detail(
        Bank,
        "bank.loan",
        "/v1/bank/accounts/loan/detail",
        ACCOUNT_SEQ,
    ),
    api("BA23", "은행-010", "Loan account transactions")
        .daily(Bank, "bank.loan", "/v1/bank/accounts/loan/transactions", ACCOUNT_SEQ)
        .three_months(),
    api("IR01", "IRP-001", "IRP list").list(Bank, "bank.list", "/v1/bank/irps"),
    api("IR02", "IRP-002", "IRP basic").basic(Bank, "bank.irp", "/v1/bank/irps/basic", ACCOUNT_SEQ),
    api("IR03", "IRP-003", "IRP detail").detail(Bank, "bank.irp", "/v1/bank/irps/detail", ACCOUNT_SEQ).paged(),
    api("IR04", "IRP-004", "IRP transactions").daily(Bank, "bank.irp", "/v1/bank/irps/transactions", ACCOUNT_SEQ),
    // --- card (spec §4.3; every call is GET) ---
    api("CM01", "공통-001", "API list").meta(Card, "card.list", "/card/apis"),
    api("CM02", "공통-002", "Consent").consent(Card, "card.list", "/v1/card/consents"),
    api("CD01", "카드-001", "Card list").list(Card, "card.list", "/v1/card/cards").paged(),
    api("CD02", "카드-002", "Card basic").basic(Card, "card.card", "/v1/card/cards/{card_id}", CARD_ID),
    api("CD03", "카드-008", "Domestic approvals").daily(
        Card,
        "card.card",
        "/v1/card/cards/{card_id}/approval-domestic",
        CARD_ID,
    ),
    api("CD04", "카드-009", "Overseas approvals").daily(
        Card,
        "card.card",
        "/v1/card/cards/{card_id}/approval-overseas",
        CARD_ID,
    ),
    api("CD11", "카드-003", "Points")
        .basic(Card, "card.point", "/v1/card/points", SUBJECT)
        .cycle(CycleClass::Additional),
    api("CD21", "카드-004", "Bills")
        .monthly(Card, "card.bill", "/v1/card/bills", SUBJECT)
        .paged()
        .cycle(CycleClass::Basic),
    api("CD22", "카드-005", "Bill detail")
        .transactions(Card, "card.bill", "/v1/card/bills/detail", BILL)
        .cycle(CycleClass::Basic),
    api("CD23", "카드-006", "Payments due")
        .basic(Card, "card.bill", "/v1/card/payments", SUBJECT)
        .cycle(CycleClass::Additional),
    api("CD24", "카드-007", "Revolving payments")
        .basic(Card, "card.bill", "/v1/card/payments/revolving", SUBJECT)
        .cycle(CycleClass::Additional),
    api("CD31", "카드-010", "Card loans").basic(Card, "card.loan", "/v1/card/loans", SUBJECT),
    api("CD32", "카드-011", "Short-term card loans")
        .basic(Card, "card.loan", "/v1/card/loans/short-term", SUBJECT)
        .cycle(CycleClass::Additional),
    api("CD33", "카드-012", "Long-term card loans")
        .basic(Card, "card.loan", "/v1/card/loans/long-term", SUBJECT)
        .cycle(CycleClass::Additional),
    api("PP01", "선불-001", "Prepaid card list").list(Card, "card.list", "/v1/card/prepaid"),
    api("PP02", "선불-002", "Prepaid balance").detail(Card, "card.prepaid", "/v1/card/prepaid/balance", PP_ID),
    api("PP03", "선불-003", "Prepaid transactions").daily(Card, "card.prepaid", "/v1/card/prepaid/transactions", PP_ID),
    api("PP04", "선불-004", "Prepaid approvals").daily(Card, "card.prepaid", "/v1/card/prepaid/approval", PP_ID),
    // --- investment (spec §4.4) ---
    api("CM01", "공통-001", "API list").meta(Invest, "invest.list", "/invest/apis"),
    api("CM02", "공통-002", "Consent").consent(Invest, "invest.list", "/v1/invest/consents"),
    api("IV01", "금투-001", "Account list").list(Invest, "invest.list", "/v1/invest/accounts").paged(),
    api("IV02", "금투-002", "Account basic")
        .basic(Invest, "invest.account", "/v1/invest/accounts/basic", ACCOUNT)
        .cycle(CycleClass::Additional),
    api("IV03", "금투-003", "Account transactions").daily(
        Invest,
        "invest.account",
        "/v1/invest/accounts/transactions",
        ACCOUNT,
    ),
    api("IV04", "금투-004", "Account products")
        .detail(Invest, "invest.account", "/v1/invest/accounts/products", ACCOUNT)
        .paged(),
    api("IV05", "금투-005", "Pension account").detail(Invest, "invest.account", "/v1/invest/accounts/pension", ACCOUNT),
    api("IR01", "IRP-001", "IRP list").list(Invest, "invest.list", "/v1/invest/irps"),
    api("IR02", "IRP-002", "IRP basic").basic(Invest, "invest.irp", "/v1/invest/irps/basic", ACCOUNT_SEQ),
    api("IR03", "IRP-003", "IRP detail").detail(Invest, "invest.irp", "/v1/invest/irps/detail", ACCOUNT_SEQ).paged(),
    api("IR04", "IRP-004", "IRP transactions").daily(Invest, "invest.irp", "/v1/invest/irps/transactions", ACCOUNT_SEQ),
    // --- insurance (spec §4.5) ---
    api("CM01", "공통-001", "API list").meta(Insu, "insu.list", "/insu/apis"),
    api("CM02", "공통-002", "Consent").consent(Insu, "insu.list", "/v1/insu/consents"),
    api("IS01", "보험-001", "Insurance list").list(Insu, "insu.list", "/v1/insu/insurances").paged(),
    api("IS02", "보험-002", "Insurance basic").basic(Insu, "insu.insurance", "/v1/insu/insurances/basic", INSU),
    api("IS03", "보험-003", "Insurance contracts").basic(
        Insu,
        "insu.insurance",
        "/v1/insu/insurances/contracts",
        INSU_INSURED,
    ),
    api("IS04", "보험-004", "Car insurance").basic(Insu, "insu.insurance", "/v1/insu/insurances/car", INSU),
    api("IS05", "보험-005", "Insurance payment").basic(Insu, "insu.insurance", "/v1/insu/insurances/payment", INSU),
    api("IS06", "보험-006", "Insurance transactions")
        .daily(Insu, "insu.insurance", "/v1/insu/insurances/transactions", INSU)
        .three_months(),
    api("IS07", "보험-007", "Car insurance transactions")
        .daily(Insu, "insu.insurance", "/v1/insu/insurances/car/transactions", INSU_CAR)
        .three_months(),
    api("IS08", "보험-012", "Insurance coverages").detail(
        Insu,
        "insu.insurance",
        "/v1/insu/insurances/coverages",
        INSU,
    ),
    api("IS11", "보험-008", "Insurance loan list").list(Insu, "insu.list", "/v1/insu/loans"),
    api("IS12", "보험-009", "Insurance loan basic").basic(Insu, "insu.loan", "/v1/insu/loans/basic", ACCOUNT),
    api("IS13", "보험-010", "Insurance loan detail").detail(Insu, "insu.loan", "/v1/insu/loans/detail", ACCOUNT),
    api("IS14", "보험-011", "Insurance loan transactions")
        .daily(Insu, "insu.loan", "/v1/insu/loans/transactions", ACCOUNT)
        .three_months(),
    api("IR01", "IRP-001", "IRP list").list(Insu, "insu.list", "/v1/insu/irps"),
    api("IR02", "IRP-002", "IRP basic").basic(Insu, "insu.irp", "/v1/insu/irps/basic", ACCOUNT_SEQ),
    api("IR03", "IRP-003", "IRP detail").detail(Insu, "insu.irp", "/v1/insu/irps/detail", ACCOUNT_SEQ).paged(),
    api("IR04", "IRP-004", "IRP transactions").daily(Insu, "insu.irp", "/v1/insu/irps/transactions", ACCOUNT_SEQ),
    // --- e-finance (spec §4.6) ---
    api("CM01", "공통-001", "API list").meta(Efin, "efin.list", "/efin/apis"),
    api("CM02", "공통-002", "Consent").consent(Efin, "efin.list", "/v1/efin/consents"),
    api("EF01", "전금-001", "Prepaid means list").list(Efin, "efin.list", "/v1/efin/prepaid").paged(),
    api("EF02", "전금-002", "Prepaid balance").detail(Efin, "efin.prepaid", "/v1/efin/prepaid/balance", FOB),
    api("EF03", "전금-003", "Prepaid auto-charge").basic(Efin, "efin.prepaid", "/v1/efin/prepaid/charge", FOB),
    api("EF04", "전금-004", "Prepaid transactions").daily(Efin, "efin.prepaid", "/v1/efin/prepaid/transactions", FOB),
    api("EF11", "전금-101", "Payment account list").list(Efin, "efin.list", "/v1/efin/paid").paged(),
    api("EF12", "전금-102", "Payment methods").basic(Efin, "efin.paid", "/v1/efin/paid/methods", SUB_KEY),
    api("EF13", "전금-103", "Payment transactions").daily(Efin, "efin.paid", "/v1/efin/paid/transactions", SUB_KEY),
    // --- installment finance (spec §4.7) ---
    api("CM01", "공통-001", "API list").meta(Capital, "capital.list", "/capital/apis"),
    api("CM02", "공통-002", "Consent").consent(Capital, "capital.list", "/v1/capital/consents"),
    api("CP01", "할부금융-001", "Loan list").list(Capital, "capital.list", "/v1/capital/loans").paged(),
    api("CP02", "할부금융-002", "Loan basic").basic(Capital, "capital.loan", "/v1/capital/loans/basic", ACCOUNT_SEQ),
    api("CP03", "할부금융-003", "Loan detail").detail(Capital, "capital.loan", "/v1/capital/loans/detail", ACCOUNT_SEQ),
    api("CP04", "할부금융-004", "Loan transactions")
        .daily(Capital, "capital.loan", "/v1/capital/loans/transactions", ACCOUNT_SEQ)
        .three_months(),
    api("CP05", "할부금융-005", "Operating lease basic").basic(
        Capital,
        "capital.loan",
        "/v1/capital/loans/oplease/basic",
        ACCOUNT_SEQ,
    ),
    api("CP06", "할부금융-006", "Operating lease transactions")
        .daily(Capital, "capital.loan", "/v1/capital/loans/oplease/transactions", ACCOUNT_SEQ)
        .three_months(),
    // --- guarantee insurance (spec §4.8) ---
    api("CM01", "공통-001", "API list").meta(Ginsu, "ginsu.list", "/ginsu/apis"),
    api("CM02", "공통-002", "Consent").consent(Ginsu, "ginsu.list", "/v1/ginsu/consents"),
    api("GI01", "보증보험-001", "Insurance list").list(Ginsu, "ginsu.list", "/v1/ginsu/insurances").paged(),
    api("GI02", "보증보험-002", "Insurance basic").basic(Ginsu, "ginsu.insurance", "/v1/ginsu/insurances/basic", INSU),
    api("GI03", "보증보험-003", "Insurance transactions")
        .daily(Ginsu, "ginsu.insurance", "/v1/ginsu/insurances/transactions", INSU)
        .three_months(),
    // --- telecom (spec §4.9) ---
    api("CM01", "공통-001", "API list").meta(Telecom, "telecom.list", "/telecom/apis"),
    api("CM02", "공통-002", "Consent").consent(Telecom, "telecom.list", "/v1/telecom/consents"),
    api("TC01", "통신-001", "Line list").list(Telecom, "telecom.list", "/v1/telecom/telecoms").paged(),
    api("TC02", "통신-002", "Bills").monthly(Telecom, "telecom.mgmt", "/v1/telecom/telecoms/bills", MGMT),
    api("TC03", "통신-003", "Payments").monthly(Telecom, "telecom.mgmt", "/v1/telecom/telecoms/transactions", MGMT),
    api("TC04", "통신-004", "Micropayments").daily(
        Telecom,
        "telecom.mgmt",
        "/v1/telecom/telecoms/paid-transactions",
        MGMT,
    ),
    // --- P2P (spec §4.10) ---
    api("CM01", "공통-001", "API list").meta(P2p, "p2p.list", "/p2p/apis"),
    api("CM02", "공통-002", "Consent").consent(P2p, "p2p.list", "/v1/p2p/consents"),
    api("LD01", "P2P-001", "Lending list").list(P2p, "p2p.list", "/v1/p2p/lendings").paged(),
    api("LD02", "P2P-002", "Lending basic").basic(P2p, "p2p.lending", "/v1/p2p/lendings/basic", LENDING),
    api("LD03", "P2P-003", "Lending detail").detail(P2p, "p2p.lending", "/v1/p2p/lendings/detail", LENDING),
    api("LD04", "P2P-004", "Lending transactions")
        .daily(P2p, "p2p.lending", "/v1/p2p/lendings/transactions", LENDING)
        .three_months(),
    // --- acquired bonds (spec §4.11) ---
    api("CM01", "공통-001", "API list").meta(Bond, "bond.list", "/bond/apis"),
    api("CM02", "공통-002", "Consent").consent(Bond, "bond.list", "/v1/bond/consents"),
    api("BD01", "채권-001", "Bond list").list(Bond, "bond.list", "/v1/bond/bonds").paged(),
    api("BD02", "채권-002", "Bond detail").detail(Bond, "bond.bond", "/v1/bond/bonds/detail", BOND),
    api("BD03", "채권-003", "Bond transactions")
        .daily(Bond, "bond.bond", "/v1/bond/bonds/transactions", BOND)
        .three_months(),
    // --- money lending (spec §4.11) ---
    api("CM01", "공통-001", "API list").meta(Usury, "usury.list", "/usury/apis"),
    api("CM02", "공통-002", "Consent").consent(Usury, "usury.list", "/v1/usury/consents"),
    api("BD01", "채권-001", "Bond list").list(Usury, "usury.list", "/v1/usury/bonds").paged(),
    api("BD02", "채권-002", "Bond detail").detail(Usury, "usury.bond", "/v1/usury/bonds/detail", BOND),
    api("BD03", "채권-003", "Bond transactions")
        .daily(Usury, "usury.bond", "/v1/usury/bonds/transactions", BOND)
        .three_months(),
];

/// Every API of the catalogue, in table order (auth, support, certificate authority, then industry by industry).
pub fn all() -> &'static [ApiSpec] {
    APIS
}

/// The API served at `method` + `path`, or `None`.
///
/// `path` is the request path; a query string (`?…`) is ignored. Template segments such as `{card_id}` match any
/// non-empty segment. Paths shared by several APIs resolve to the first in table order: `POST /oauth/2.0/token`
/// gives AU02 (not AU03, AU11 or CA01) and `POST /mgmts/oauth/2.0/token` gives SU01 (not SU11).
pub fn find(method: Method, path: &str) -> Option<&'static ApiSpec> {
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    let index = index();
    let exact: &HashMap<(Method, &str), &'static ApiSpec> = &index.exact;
    exact
        .get(&(method, path))
        .copied()
        .or_else(|| index.templates.iter().copied().find(|a| a.method == method && a.matches_path(path)))
}

/// The API with 첨부12 (or project) code `code` served by `industry`.
///
/// `None` on either side is a wildcard: `by_code("BA01", None)` gives the bank entry, and the industry-less
/// auth, support and certificate-authority entries are found whatever `industry` is asked for.
pub fn by_code(code: &str, industry: Option<Industry>) -> Option<&'static ApiSpec> {
    APIS.iter().find(|a| a.code == code && (industry.is_none() || a.industry.is_none() || a.industry == industry))
}

/// The sector APIs served by `industry` (auth, support and certificate-authority APIs are not included).
pub fn for_industry(industry: Industry) -> impl Iterator<Item = &'static ApiSpec> {
    APIS.iter().filter(move |a| a.industry == Some(industry))
}

/// Whether `code` is an API type code of 첨부12 (spec §3.3), as used in `api_type` of statistics (지원-004/005).
///
/// The project's own support (`SU…`) and certificate-authority (`CA…`) codes are not 첨부12 codes.
pub fn is_known_code(code: &str) -> bool {
    APIS.iter().any(|a| a.code == code && a.is_statistics_type())
}

/// Every scope valid for `industry` (spec §2.6), the list scope first, including the 2022+ scopes
/// (`bank.isa`, `insu.insured`, the DC/DB pension scopes, …). Empty for `public`, which has no scopes in the
/// financial standard.
pub fn scopes_for(industry: Industry) -> &'static [&'static str] {
    match industry {
        Bank => &[
            "bank.list",
            "bank.deposit",
            "bank.invest",
            "bank.loan",
            "bank.irp",
            "bank.isa",
            "bank.prepaid",
            "bank.db",
            "bank.dc",
        ],
        Card => &["card.list", "card.card", "card.prepaid", "card.point", "card.bill", "card.loan"],
        Invest => &["invest.list", "invest.account", "invest.irp", "invest.db", "invest.dc"],
        Insu => &["insu.list", "insu.insurance", "insu.loan", "insu.irp", "insu.insured", "insu.db", "insu.dc"],
        Efin => &["efin.list", "efin.prepaid", "efin.paid"],
        Capital => &["capital.list", "capital.loan"],
        Ginsu => &["ginsu.list", "ginsu.insurance"],
        Telecom => &["telecom.list", "telecom.mgmt"],
        P2p => &["p2p.list", "p2p.lending"],
        Bond => &["bond.list", "bond.bond"],
        Usury => &["usury.list", "usury.bond"],
        Industry::Public => &[],
    }
}

struct Index {
    exact: HashMap<(Method, &'static str), &'static ApiSpec>,
    templates: Vec<&'static ApiSpec>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut exact = HashMap::with_capacity(APIS.len());
        let mut templates = Vec::new();
        for api in APIS {
            if api.path.contains('{') {
                templates.push(api);
            } else {
                exact.entry((api.method, api.path)).or_insert(api);
            }
        }
        Index { exact, templates }
    })
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;

    /// Every code of 첨부12 as listed in spec §3.3.
    const ATTACHMENT12: &[&str] = &[
        "AU01", "AU02", "AU03", "AU04", "AU11", "CM01", "CM02", "BA01", "BA02", "BA03", "BA04", "BA11", "BA12", "BA13",
        "BA21", "BA22", "BA23", "CD01", "CD02", "CD03", "CD04", "CD11", "CD21", "CD22", "CD23", "CD24", "CD31", "CD32",
        "CD33", "IV01", "IV02", "IV03", "IV04", "IV05", "IS01", "IS02", "IS03", "IS04", "IS05", "IS06", "IS07", "IS08",
        "IS11", "IS12", "IS13", "IS14", "EF01", "EF02", "EF03", "EF04", "EF11", "EF12", "EF13", "CP01", "CP02", "CP03",
        "CP04", "CP05", "CP06", "GI01", "GI02", "GI03", "TC01", "TC02", "TC03", "TC04", "LD01", "LD02", "LD03", "LD04",
        "IR01", "IR02", "IR03", "IR04", "PP01", "PP02", "PP03", "PP04", "BD01", "BD02", "BD03",
    ];

    #[test]
    fn codes_are_unique_per_industry() {
        let mut seen = HashSet::new();
        for a in all() {
            assert!(seen.insert((a.code, a.industry)), "{} twice for {:?}", a.code, a.industry);
        }
    }

    #[test]
    fn every_attachment12_code_is_present() {
        for code in ATTACHMENT12 {
            assert!(by_code(code, None).is_some(), "{code} missing");
            assert!(is_known_code(code), "{code}");
        }
        for a in all().iter().filter(|a| a.is_statistics_type()) {
            assert!(ATTACHMENT12.contains(&a.code), "{} is not a 첨부12 code", a.code);
        }
        assert!(!is_known_code("SU02"));
        assert!(!is_known_code("CA02"));
        assert!(!is_known_code("BA05"));
        assert!(!is_known_code(""));
    }

    #[test]
    fn support_and_ca_codes_are_present() {
        for code in ["SU01", "SU02", "SU03", "SU04", "SU05", "SU06", "SU11", "SU12", "SU13", "SU14"] {
            assert_eq!(by_code(code, None).map(|a| a.kind), Some(ApiKind::Support), "{code}");
        }
        for code in ["CA01", "CA02", "CA03", "CA04"] {
            assert_eq!(by_code(code, None).map(|a| a.kind), Some(ApiKind::CertAuthority), "{code}");
        }
    }

    #[test]
    fn paths_are_unique_per_method_except_token_endpoints() {
        let mut by_route: HashMap<(Method, &str), Vec<&ApiSpec>> = HashMap::new();
        for a in all() {
            by_route.entry((a.method, a.path)).or_default().push(a);
        }
        for ((method, path), apis) in by_route {
            if apis.len() > 1 {
                assert!(path.ends_with("/oauth/2.0/token"), "{} {path} is shared", method.as_str());
                assert!(apis.iter().all(|a| a.scope.is_none()));
            }
        }
    }

    #[test]
    fn find_resolves_exact_paths_and_templates() {
        let a = find(Method::Post, "/v1/bank/accounts/deposit/transactions").unwrap();
        assert_eq!((a.code, a.industry), ("BA04", Some(Bank)));
        let a = find(Method::Get, "/v1/card/cards/ABC123/approval-domestic").unwrap();
        assert_eq!(a.code, "CD03");
        assert_eq!(find(Method::Get, "/v1/card/cards/ABC123").unwrap().code, "CD02");
        assert_eq!(find(Method::Get, "/v1/card/cards").unwrap().code, "CD01");
        assert_eq!(find(Method::Get, "/v1/card/cards/ABC123/approval-overseas?org_code=X").unwrap().code, "CD04");
        assert_eq!(find(Method::Get, "/v1/invest/irps").unwrap().industry, Some(Invest));
        assert_eq!(find(Method::Get, "/insu/apis").unwrap().code, "CM01");
        assert_eq!(find(Method::Post, "/oauth/2.0/token").unwrap().code, "AU02");
        assert_eq!(find(Method::Post, "/mgmts/oauth/2.0/token").unwrap().code, "SU01");
        assert_eq!(find(Method::Get, "/v1/mgmts/orgs").unwrap().code, "SU02");
    }

    #[test]
    fn find_rejects_unknown_paths_and_methods() {
        for (m, p) in [
            (Method::Get, "/v1/bank/accounts/deposit/transactions"),
            (Method::Post, "/v1/bank/accounts"),
            (Method::Get, "/v1/card/cards//approval-domestic"),
            (Method::Get, "/v1/card/cards/A/B/approval-domestic"),
            (Method::Get, "/v1/card/cards/ABC/approval-elsewhere"),
            (Method::Get, "/v1/bank/accounts/"),
            (Method::Get, "/v2/bank/accounts"),
            (Method::Get, "/v1/public/consents"),
            (Method::Get, ""),
            (Method::Get, "/"),
        ] {
            assert!(find(m, p).is_none(), "{} {p}", m.as_str());
        }
    }

    #[test]
    fn every_scope_used_is_listed() {
        for a in all() {
            match (a.industry, a.scope) {
                (Some(i), Some(s)) => {
                    assert!(scopes_for(i).contains(&s), "{s} of {} not in scopes_for({i})", a.code);
                }
                (Some(_), None) => panic!("{} has no scope", a.code),
                (None, _) => {}
            }
        }
        for i in Industry::ALL {
            for s in scopes_for(i) {
                assert!(s.starts_with(i.as_str()) && s[i.as_str().len()..].starts_with('.'), "{s}");
            }
            if i != Industry::Public {
                assert_eq!(scopes_for(i).first(), Some(&format!("{i}.list").as_str()));
            }
        }
    }

    #[test]
    fn common_and_shared_apis_appear_per_industry() {
        for i in Industry::ALL {
            let codes: Vec<_> = for_industry(i).map(|a| a.code).collect();
            let expect_common = i != Industry::Public;
            assert_eq!(codes.contains(&"CM01"), expect_common, "{i}");
            assert_eq!(codes.contains(&"CM02"), expect_common, "{i}");
            let irp = matches!(i, Bank | Invest | Insu);
            assert_eq!(codes.contains(&"IR04"), irp, "{i}");
            assert_eq!(codes.contains(&"BD03"), matches!(i, Bond | Usury), "{i}");
            assert_eq!(codes.contains(&"PP01"), i == Card, "{i}");
        }
        let irp = by_code("IR01", Some(Insu)).unwrap();
        assert_eq!((irp.path, irp.scope), ("/v1/insu/irps", Some("insu.list")));
        assert_eq!(by_code("IR02", Some(Invest)).unwrap().scope, Some("invest.irp"));
        assert_eq!(by_code("BD02", Some(Usury)).unwrap().scope, Some("usury.bond"));
        assert!(by_code("BD02", Some(Bank)).is_none());
        assert_eq!(by_code("AU01", Some(Card)).unwrap().path, "/oauth/2.0/authorize");
    }

    #[test]
    fn paths_follow_the_uri_layout() {
        for a in all() {
            match (a.kind, a.industry) {
                (ApiKind::Meta, Some(i)) => assert_eq!(a.path, format!("/{i}/apis")),
                (_, Some(i)) => assert!(a.path.starts_with(&format!("/v1/{i}/")), "{}", a.path),
                (ApiKind::Auth, None) => assert!(a.path.starts_with("/oauth/2.0/"), "{}", a.path),
                _ => assert!(a.path.starts_with('/'), "{}", a.path),
            }
        }
    }

    #[test]
    fn methods_follow_section_4_0() {
        for a in for_industry(Card) {
            assert_eq!(a.method, Method::Get, "{}", a.code);
        }
        for a in all().iter().filter(|a| matches!(a.kind, ApiKind::List | ApiKind::Meta | ApiKind::Consent)) {
            assert_eq!(a.method, Method::Get, "{}", a.code);
        }
        assert_eq!(by_code("TC02", None).unwrap().method, Method::Post);
        assert_eq!(by_code("AU01", None).unwrap().method, Method::Get);
        assert_eq!(by_code("AU04", None).unwrap().method, Method::Post);
    }

    #[test]
    fn scheduled_windows_follow_section_1_5() {
        let exceptions = ["BA23", "IS06", "IS07", "IS14", "CP04", "CP06", "GI03", "LD04", "BD03"];
        for a in all() {
            let expected = match a.window {
                Window::None => 0,
                Window::Monthly => 3,
                Window::Daily if exceptions.contains(&a.code) => 3,
                Window::Daily => 1,
            };
            assert_eq!(a.scheduled_max_months, expected, "{}", a.code);
            if a.window != Window::None {
                assert_eq!(a.kind, ApiKind::Transactions, "{}", a.code);
            }
        }
        for code in exceptions {
            assert_eq!(by_code(code, None).unwrap().window, Window::Daily, "{code}");
        }
        assert_eq!(by_code("BA23", None).unwrap().spec_id, "은행-010");
        for code in ["CD21", "TC02", "TC03"] {
            assert_eq!(by_code(code, None).unwrap().window, Window::Monthly, "{code}");
        }
    }

    #[test]
    fn sector_apis_have_consistent_shapes() {
        for a in all() {
            if a.industry.is_some() {
                assert_ne!(a.cycle, CycleClass::NotApplicable, "{}", a.code);
            } else {
                assert_eq!(a.cycle, CycleClass::NotApplicable, "{}", a.code);
            }
            if matches!(a.kind, ApiKind::List | ApiKind::Meta | ApiKind::Consent) {
                assert!(a.asset_keys.is_empty(), "{}", a.code);
                assert!(a.scope.is_some_and(|s| s.ends_with(".list")), "{}", a.code);
            }
            if matches!(a.kind, ApiKind::Detail) || (a.kind == ApiKind::Transactions && a.code != "CD21") {
                assert!(!a.asset_keys.is_empty(), "{}", a.code);
            }
            assert!(!a.name.is_empty() && !a.spec_id.is_empty());
        }
        assert_eq!(by_code("CD03", None).unwrap().asset_keys, &["card_id"]);
        assert!(by_code("BA01", None).unwrap().paginated);
        assert!(by_code("BA04", None).unwrap().paginated);
        assert!(!by_code("BA04", None).unwrap().timestamped);
        assert!(by_code("BA02", None).unwrap().timestamped);
    }

    #[test]
    fn method_parses() {
        assert_eq!("GET".parse::<Method>().unwrap(), Method::Get);
        assert_eq!("POST".parse::<Method>().unwrap(), Method::Post);
        assert_eq!("PUT".parse::<Method>().unwrap_err().field(), "method");
    }
}
