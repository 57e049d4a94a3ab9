//! Signed manifests (DESIGN §9, docs/provenance.md): `SHA256SUMS.sig` is an SSH signature of
//! `SHA256SUMS` in the SSHSIG format, namespace `quorum`, made with an OpenSSH Ed25519 key,
//! so `ssh-keygen -Y verify` checks it. RustCrypto's `ssh-key` reads keys and signs.

use std::path::Path;

use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

/// The SSHSIG namespace of quorum's signatures (`ssh-keygen -n quorum`).
pub(crate) const NAMESPACE: &str = "quorum";

/// A signature made, and the key that made it.
#[derive(Clone, Debug)]
pub struct Signed {
    /// `SHA256SUMS.sig`: the PEM-armoured signature.
    pub signature: Vec<u8>,
    /// The key's fingerprint, `SHA256:…`.
    pub fingerprint: String,
}

/// An unencrypted Ed25519 private key, read before the build so a bad key fails first.
pub struct SigningKey {
    key: PrivateKey,
    shown: String,
}

/// Reads the OpenSSH private key in `key_file`, refusing encrypted and non-Ed25519 keys.
pub fn signing_key(key_file: &Path) -> Result<SigningKey, String> {
    let shown = key_file.display();
    let bytes = crate::fs::read_file(key_file, 1024 * 1024).map_err(|e| format!("cannot read the key {shown}: {e}"))?;
    let key = PrivateKey::from_openssh(&bytes).map_err(|e| {
        format!(
            "{shown} is not an OpenSSH private key ({e}): give the private key file (e.g. ~/.ssh/id_ed25519), \
             not the .pub file; make one with `ssh-keygen -t ed25519 -f quorum-signing`"
        )
    })?;
    if key.is_encrypted() {
        return Err(format!(
            "{shown} is protected by a passphrase, which quorum cannot ask for: use a key without one kept in \
             your CI's secret store, or sign yourself with `ssh-keygen -Y sign -n {NAMESPACE} -f {shown} SHA256SUMS`"
        ));
    }
    if key.algorithm() != Algorithm::Ed25519 {
        return Err(format!(
            "{shown} is a {} key; quorum signs with Ed25519 keys (`ssh-keygen -t ed25519`)",
            key.algorithm()
        ));
    }
    Ok(SigningKey { key, shown: shown.to_string() })
}

impl SigningKey {
    /// Signs `sums` (the bytes of `SHA256SUMS`).
    pub fn sign(&self, sums: &[u8]) -> Result<Signed, String> {
        let sig = (self.key.sign(NAMESPACE, HashAlg::Sha512, sums))
            .map_err(|e| format!("cannot sign with {}: {e}", self.shown))?;
        let pem = sig.to_pem(LineEnding::LF).map_err(|e| format!("cannot encode the signature: {e}"))?;
        Ok(Signed { signature: pem.into_bytes(), fingerprint: self.key.fingerprint(HashAlg::Sha256).to_string() })
    }
}

/// Who signed a manifest: the principals an `allowed_signers` file gives the key.
#[derive(Clone, Debug)]
pub struct Signer {
    /// The principals of the matching `allowed_signers` line (`auditor@example.org`).
    pub principals: String,
    /// The key's fingerprint, `SHA256:…`.
    pub fingerprint: String,
}

/// Checks `signature` (the bytes of `SHA256SUMS.sig`) over `sums` against the keys of an
/// OpenSSH `allowed_signers` file (`principals [options] keytype base64 [comment]` per line;
/// a `namespaces="…"` option must include `quorum`; `cert-authority` lines are not used).
pub fn verify(sums: &[u8], signature: &[u8], allowed_signers: &str) -> Result<Signer, String> {
    let sig = SshSig::from_pem(signature).map_err(|e| format!("SHA256SUMS.sig is not an SSH signature: {e}"))?;
    if sig.namespace() != NAMESPACE {
        return Err(format!("SHA256SUMS.sig was made for namespace `{}`, not `{NAMESPACE}`", sig.namespace()));
    }
    let fingerprint = sig.public_key().fingerprint(HashAlg::Sha256).to_string();
    let signer =
        allowed(allowed_signers).into_iter().find(|(_, key)| key.key_data() == sig.public_key()).ok_or_else(|| {
            format!("SHA256SUMS.sig was made by key {fingerprint}, which the allowed signers do not list")
        })?;
    signer.1.verify(NAMESPACE, sums, &sig).map_err(|_| {
        format!("BAD signature: SHA256SUMS does not match SHA256SUMS.sig (signed by {fingerprint}); it was changed")
    })?;
    Ok(Signer { principals: signer.0, fingerprint })
}

/// The (principals, key) lines of an `allowed_signers` file that may sign for quorum.
fn allowed(text: &str) -> Vec<(String, PublicKey)> {
    let is_key_type = |t: &str| t.starts_with("ssh-") || t.starts_with("ecdsa-") || t.starts_with("sk-");
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let mut tokens = line.split_whitespace();
        let Some(principals) = tokens.next() else { continue };
        let rest: Vec<&str> = tokens.collect();
        let Some(at) = rest.iter().position(|t| is_key_type(t)) else { continue };
        let options = rest[..at].join(" ");
        if options.contains("cert-authority") {
            continue;
        }
        if let Some(ns) = options.split("namespaces=\"").nth(1).and_then(|v| v.split('"').next())
            && !ns.split(',').any(|n| n.trim() == NAMESPACE)
        {
            continue;
        }
        if let Ok(key) = PublicKey::from_openssh(&rest[at..].join(" ")) {
            out.push((principals.to_string(), key));
        }
    }
    out
}
