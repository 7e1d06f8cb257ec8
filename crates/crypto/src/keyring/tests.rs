use std::sync::atomic::{AtomicBool, Ordering};

use proptest::prelude::*;

use super::*;

fn ring() -> KeyRing<MemoryKeyStore> {
    KeyRing::new(Arc::new(MasterKey::generate()), MemoryKeyStore::new())
}

#[test]
fn seal_creates_key_once_and_opens() {
    let ring = ring();
    assert_eq!(ring.store().load("s1").unwrap(), KeyState::Missing);
    let a = ring.seal_for("s1", "r1", b"alpha").unwrap();
    let KeyState::Active(first) = ring.store().load("s1").unwrap() else { panic!("no key stored") };
    let b = ring.seal_for("s1", "r2", b"beta").unwrap();
    assert_eq!(ring.store().load("s1").unwrap(), KeyState::Active(first), "key must not be replaced");
    assert_eq!(ring.open_for("s1", "r1", &a).unwrap(), b"alpha");
    assert_eq!(ring.open_for("s1", "r2", &b).unwrap(), b"beta");
}

#[test]
fn records_are_bound_to_record_and_subject() {
    let ring = ring();
    let a = ring.seal_for("s1", "r1", b"alpha").unwrap();
    ring.seal_for("s2", "r1", b"other").unwrap();
    assert!(matches!(ring.open_for("s1", "r2", &a), Err(CryptoError::Decrypt)));
    assert!(matches!(ring.open_for("s2", "r1", &a), Err(CryptoError::Decrypt)));
}

#[test]
fn unknown_subject_has_no_key() {
    let ring = ring();
    assert!(matches!(ring.open_for("nobody", "r1", &[0u8; 40]), Err(CryptoError::NoKey)));
}

#[test]
fn destroy_shreds_every_record_of_the_subject_only() {
    let ring = ring();
    let records: Vec<(String, Vec<u8>)> =
        (0..20).map(|i| (format!("r{i}"), ring.seal_for("s1", &format!("r{i}"), b"secret").unwrap())).collect();
    let other = ring.seal_for("s2", "r0", b"kept").unwrap();

    ring.destroy_subject("s1").unwrap();

    for (id, ct) in &records {
        assert!(matches!(ring.open_for("s1", id, ct), Err(CryptoError::KeyDestroyed)), "{id}");
    }
    assert!(matches!(ring.seal_for("s1", "new", b"x"), Err(CryptoError::KeyDestroyed)));
    assert!(matches!(ring.data_key("s1"), Err(CryptoError::KeyDestroyed)));
    assert_eq!(ring.store().load("s1").unwrap(), KeyState::Destroyed);
    assert_eq!(ring.open_for("s2", "r0", &other).unwrap(), b"kept");
    // Idempotent, and tombstones a subject that never had a key.
    ring.destroy_subject("s1").unwrap();
    ring.destroy_subject("never").unwrap();
    assert!(matches!(ring.seal_for("never", "r", b"x"), Err(CryptoError::KeyDestroyed)));
}

#[test]
fn another_ring_with_another_master_cannot_read() {
    let store = Arc::new(MemoryKeyStore::new());
    let ring_a = KeyRing::new(Arc::new(MasterKey::generate()), Arc::clone(&store));
    let ct = ring_a.seal_for("s1", "r1", b"x").unwrap();
    let ring_b = KeyRing::new(Arc::new(MasterKey::generate()), store);
    assert!(matches!(ring_b.open_for("s1", "r1", &ct), Err(CryptoError::KeyUnwrap)));
}

#[test]
fn rings_sharing_a_store_see_the_same_key() {
    let master = Arc::new(MasterKey::generate());
    let store = Arc::new(MemoryKeyStore::new());
    let a = KeyRing::new(Arc::clone(&master), Arc::clone(&store));
    let b = KeyRing::new(master, store);
    let ct = a.seal_for("s1", "r1", b"x").unwrap();
    assert_eq!(b.open_for("s1", "r1", &ct).unwrap(), b"x");
    b.destroy_subject("s1").unwrap();
    assert!(matches!(a.open_for("s1", "r1", &ct), Err(CryptoError::KeyDestroyed)));
}

/// A store where another writer slips in a key between `load` and `save`.
struct RacingStore {
    inner: MemoryKeyStore,
    winner: WrappedKey,
    raced: AtomicBool,
}

impl WrappedKeyStore for RacingStore {
    fn load(&self, subject_id: &str) -> Result<KeyState> {
        self.inner.load(subject_id)
    }

    fn save(&self, subject_id: &str, key: &WrappedKey) -> Result<KeyState> {
        if !self.raced.swap(true, Ordering::SeqCst) {
            self.inner.save(subject_id, &self.winner)?;
        }
        self.inner.save(subject_id, key)
    }

    fn destroy(&self, subject_id: &str) -> Result<()> {
        self.inner.destroy(subject_id)
    }
}

#[test]
fn losing_a_creation_race_uses_the_winning_key() {
    let master = Arc::new(MasterKey::generate());
    let winner_key = DataKey::generate();
    let store = RacingStore {
        inner: MemoryKeyStore::new(),
        winner: master.wrap(&winner_key, "s1"),
        raced: AtomicBool::new(false),
    };
    let ring = KeyRing::new(master, store);
    let ct = ring.seal_for("s1", "r1", b"x").unwrap();
    assert_eq!(winner_key.open(&Aad::new("s1", "r1"), &ct).unwrap(), b"x");
}

/// A store whose backend is down.
struct BrokenStore;

impl WrappedKeyStore for BrokenStore {
    fn load(&self, _: &str) -> Result<KeyState> {
        Err(CryptoError::key_store(std::io::Error::other("connection refused")))
    }

    fn save(&self, _: &str, _: &WrappedKey) -> Result<KeyState> {
        Err(CryptoError::key_store("unreachable"))
    }

    fn destroy(&self, _: &str) -> Result<()> {
        Err(CryptoError::key_store("unreachable"))
    }
}

#[test]
fn store_errors_propagate_with_source() {
    let ring = KeyRing::new(Arc::new(MasterKey::generate()), BrokenStore);
    let err = ring.seal_for("s1", "r1", b"x").unwrap_err();
    assert!(matches!(err, CryptoError::KeyStore(_)));
    let source = std::error::Error::source(&err).map(ToString::to_string);
    assert_eq!(source.as_deref(), Some("connection refused"));
    assert!(matches!(ring.destroy_subject("s1"), Err(CryptoError::KeyStore(_))));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_records_round_trip_then_shred(
        records in proptest::collection::btree_map(".{1,12}", proptest::collection::vec(any::<u8>(), 0..64), 1..8)
    ) {
        let ring = ring();
        let sealed: Vec<_> =
            records.iter().map(|(id, pt)| (id, pt, ring.seal_for("s", id, pt).unwrap())).collect();
        for (id, pt, ct) in &sealed {
            prop_assert_eq!(&ring.open_for("s", id, ct).unwrap(), *pt);
        }
        ring.destroy_subject("s").unwrap();
        for (id, _, ct) in &sealed {
            prop_assert!(matches!(ring.open_for("s", id, ct), Err(CryptoError::KeyDestroyed)));
        }
    }
}
