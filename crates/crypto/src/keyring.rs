//! Per-subject data keys with crypto-shredding: [`KeyRing`] over a [`WrappedKeyStore`].
//!
//! Each subject gets one [`DataKey`], created on first write and stored only wrapped under the master key.
//! [`KeyRing::destroy_subject`] replaces the wrapped key with a tombstone; from then on every record of that
//! subject is unreadable ([`CryptoError::KeyDestroyed`]) wherever its ciphertext lives, including backups that
//! do not also hold the old wrapped key. The tombstone is permanent: a person who comes back is a new subject
//! with a new subject id, so subject ids should be surrogate keys, not derived from the CI.
//!
//! The store trait is synchronous and small. An async store (the `store` crate) can run the same flow with the
//! primitives directly:
//!
//! 1. load the subject's wrapped key; on first write create one with [`DataKey::generate`] +
//!    [`MasterKey::wrap`] and insert it *if absent* (keep whichever key won a race);
//! 2. [`MasterKey::unwrap_key`] it;
//! 3. [`DataKey::seal`] / [`DataKey::open`] with [`Aad::new`]`(subject_id, record_id)`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::{Aad, CryptoError, DataKey, MasterKey, Result, WrappedKey};

/// What a [`WrappedKeyStore`] holds for one subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyState {
    /// No key was ever created for the subject.
    Missing,
    /// The subject's current wrapped data key.
    Active(WrappedKey),
    /// The key was destroyed (tombstone); the subject's data is shredded.
    Destroyed,
}

/// Persistence for wrapped data keys, one per subject.
///
/// Implementations must make [`save`](WrappedKeyStore::save) insert-if-absent (atomic, e.g.
/// `INSERT .. ON CONFLICT DO NOTHING` then `SELECT`) and must keep tombstones: a destroyed subject never gets
/// [`KeyState::Missing`] or a new key again. Errors should be wrapped with [`CryptoError::key_store`].
pub trait WrappedKeyStore {
    /// The subject's current state.
    ///
    /// # Errors
    ///
    /// [`CryptoError::KeyStore`] if the storage fails.
    fn load(&self, subject_id: &str) -> Result<KeyState>;

    /// Stores `key` if the subject has no key and no tombstone; returns the state afterwards, which is
    /// [`KeyState::Active`] with *another* key if a concurrent writer won, or [`KeyState::Destroyed`].
    ///
    /// # Errors
    ///
    /// [`CryptoError::KeyStore`] if the storage fails.
    fn save(&self, subject_id: &str, key: &WrappedKey) -> Result<KeyState>;

    /// Replaces the subject's key with a tombstone (idempotent; also tombstones a subject without a key).
    ///
    /// # Errors
    ///
    /// [`CryptoError::KeyStore`] if the storage fails.
    fn destroy(&self, subject_id: &str) -> Result<()>;
}

impl<S: WrappedKeyStore + ?Sized> WrappedKeyStore for Arc<S> {
    fn load(&self, subject_id: &str) -> Result<KeyState> {
        (**self).load(subject_id)
    }

    fn save(&self, subject_id: &str, key: &WrappedKey) -> Result<KeyState> {
        (**self).save(subject_id, key)
    }

    fn destroy(&self, subject_id: &str) -> Result<()> {
        (**self).destroy(subject_id)
    }
}

/// An in-process [`WrappedKeyStore`] for tests and demos; its contents vanish with the process.
#[derive(Debug, Default)]
pub struct MemoryKeyStore {
    /// `None` is a tombstone.
    slots: Mutex<HashMap<String, Option<WrappedKey>>>,
}

impl MemoryKeyStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, HashMap<String, Option<WrappedKey>>> {
        // Every critical section is a single map operation, so a poisoned map is still consistent.
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn state_of(slot: Option<&Option<WrappedKey>>) -> KeyState {
    match slot {
        None => KeyState::Missing,
        Some(None) => KeyState::Destroyed,
        Some(Some(key)) => KeyState::Active(key.clone()),
    }
}

impl WrappedKeyStore for MemoryKeyStore {
    fn load(&self, subject_id: &str) -> Result<KeyState> {
        Ok(state_of(self.slots().get(subject_id)))
    }

    fn save(&self, subject_id: &str, key: &WrappedKey) -> Result<KeyState> {
        let mut slots = self.slots();
        let slot = slots.entry(subject_id.to_owned()).or_insert_with(|| Some(key.clone()));
        Ok(state_of(Some(slot)))
    }

    fn destroy(&self, subject_id: &str) -> Result<()> {
        self.slots().insert(subject_id.to_owned(), None);
        Ok(())
    }
}

/// Seals and opens subject records with per-subject data keys kept in a [`WrappedKeyStore`].
///
/// Nothing is cached: each call loads and unwraps the subject's key (one AES-GCM operation), so a destroy is
/// effective immediately for every `KeyRing` sharing the store. For bulk work on one subject, take the key once
/// with [`KeyRing::data_key`] and use [`DataKey::seal`] / [`DataKey::open`].
#[derive(Debug)]
pub struct KeyRing<S> {
    master: Arc<MasterKey>,
    store: S,
}

impl<S: WrappedKeyStore> KeyRing<S> {
    /// A key ring wrapping data keys under `master` and keeping them in `store`.
    pub fn new(master: Arc<MasterKey>, store: S) -> Self {
        Self { master, store }
    }

    /// The underlying store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Encrypts `plaintext` as record `record_id` of `subject_id`, creating the subject's key on first use.
    ///
    /// # Errors
    ///
    /// [`CryptoError::KeyDestroyed`] for a shredded subject; store and unwrap errors otherwise.
    pub fn seal_for(&self, subject_id: &str, record_id: &str, plaintext: &[u8]) -> Result<Vec<u8>> {
        self.data_key_or_create(subject_id)?.seal(&Aad::new(subject_id, record_id), plaintext)
    }

    /// Decrypts record `record_id` of `subject_id`.
    ///
    /// # Errors
    ///
    /// [`CryptoError::KeyDestroyed`] after [`KeyRing::destroy_subject`], [`CryptoError::NoKey`] if nothing was
    /// ever sealed for the subject, [`CryptoError::Decrypt`] (and the other [`DataKey::open`] errors) for a
    /// ciphertext of another record or subject, or a modified one.
    pub fn open_for(&self, subject_id: &str, record_id: &str, ciphertext: &[u8]) -> Result<Vec<u8>> {
        self.data_key(subject_id)?.open(&Aad::new(subject_id, record_id), ciphertext)
    }

    /// Crypto-shreds the subject: destroys its data key so none of its records can be decrypted again.
    ///
    /// # Errors
    ///
    /// [`CryptoError::KeyStore`] if the store fails.
    pub fn destroy_subject(&self, subject_id: &str) -> Result<()> {
        self.store.destroy(subject_id)
    }

    /// The subject's existing data key.
    ///
    /// # Errors
    ///
    /// [`CryptoError::NoKey`], [`CryptoError::KeyDestroyed`], [`CryptoError::KeyUnwrap`], or a store error.
    pub fn data_key(&self, subject_id: &str) -> Result<DataKey> {
        match self.store.load(subject_id)? {
            KeyState::Active(wrapped) => self.master.unwrap_key(&wrapped, subject_id),
            KeyState::Missing => Err(CryptoError::NoKey),
            KeyState::Destroyed => Err(CryptoError::KeyDestroyed),
        }
    }

    /// The subject's data key, created and stored first if the subject has none.
    ///
    /// # Errors
    ///
    /// [`CryptoError::KeyDestroyed`], [`CryptoError::KeyUnwrap`], or a store error.
    pub fn data_key_or_create(&self, subject_id: &str) -> Result<DataKey> {
        match self.store.load(subject_id)? {
            KeyState::Active(wrapped) => return self.master.unwrap_key(&wrapped, subject_id),
            KeyState::Destroyed => return Err(CryptoError::KeyDestroyed),
            KeyState::Missing => {}
        }
        let fresh = DataKey::generate();
        let wrapped = self.master.wrap(&fresh, subject_id);
        match self.store.save(subject_id, &wrapped)? {
            KeyState::Active(stored) if stored == wrapped => Ok(fresh),
            // A concurrent writer stored its key first; use that one so all records share one key.
            KeyState::Active(stored) => self.master.unwrap_key(&stored, subject_id),
            KeyState::Destroyed => Err(CryptoError::KeyDestroyed),
            KeyState::Missing => Err(CryptoError::key_store("store reported no key right after saving one")),
        }
    }
}

#[cfg(test)]
mod tests;
