//! `quorum build --sign KEY` writes SHA256SUMS.sig, an SSHSIG signature (namespace
//! `quorum`) that stock `ssh-keygen -Y verify` and `quorum verify --allowed-signers` accept,
//! and both refuse after one byte of SHA256SUMS changes.

use std::path::Path;
use std::process::Command;

use crate::support::{Site, assert_success, lossy, quorum};

/// A throw-away key for these tests only (`ssh-keygen -t ed25519 -N ''`); it signs nothing else.
const TEST_KEY: &str = "-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACCJZ20mOuucf8w0XJriSL7htSLNYouGwF3Hovff/m8QlQAAAKADKdh2AynY
dgAAAAtzc2gtZWQyNTUxOQAAACCJZ20mOuucf8w0XJriSL7htSLNYouGwF3Hovff/m8QlQ
AAAEBKmTbn/cMp88TXD7igXpBZrzaaNJXtY2pf90c4uVEAwYlnbSY665x/zDRcmuJIvuG1
Is1ii4bAXcei99/+bxCVAAAAGHRlc3Qtb25seUBxdW9ydW0uaW52YWxpZAECAwQF
-----END OPENSSH PRIVATE KEY-----
";
const TEST_PUB: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIlnbSY665x/zDRcmuJIvuG1Is1ii4bAXcei99/+bxCV test-only@quorum.invalid";

fn signed_site() -> (Site, tempfile::TempDir, std::path::PathBuf) {
    let site = Site::new(&[("content/actions/A-1.md", crate::support::ACTION)]);
    site.write("key", TEST_KEY);
    site.write("allowed_signers", &format!("auditor@example.org namespaces=\"quorum\" {TEST_PUB}\n"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let o = site.build(&out, &["--sign", site.path("key").to_str().unwrap()]);
    assert_success(&o, "build --sign");
    assert!(lossy(&o.stdout).contains("Signed SHA256SUMS with key SHA256:"), "{}", lossy(&o.stdout));
    (site, dir, out)
}

fn quorum_verify(site: &Site, out: &Path) -> std::process::Output {
    quorum(&["verify", out.to_str().unwrap(), "--allowed-signers", site.path("allowed_signers").to_str().unwrap()])
}

/// `ssh-keygen -Y verify`, or `None` when ssh-keygen is not installed.
fn ssh_keygen_verify(site: &Site, out: &Path) -> Option<bool> {
    let sums = std::fs::File::open(out.join("SHA256SUMS")).unwrap();
    let o = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(site.path("allowed_signers"))
        .args(["-I", "auditor@example.org", "-n", "quorum", "-s"])
        .arg(out.join("SHA256SUMS.sig"))
        .stdin(sums)
        .output()
        .ok()?;
    Some(o.status.success())
}

#[test]
fn a_signed_manifest_passes_ssh_keygen_and_quorum_verify() {
    let (site, _dir, out) = signed_site();
    let sig = std::fs::read_to_string(out.join("SHA256SUMS.sig")).unwrap();
    assert!(sig.starts_with("-----BEGIN SSH SIGNATURE-----\n"), "{sig}");
    assert!(
        !std::fs::read_to_string(out.join("SHA256SUMS")).unwrap().contains("SHA256SUMS.sig"),
        "the .sig is not listed"
    );
    let o = quorum_verify(&site, &out);
    assert_success(&o, "quorum verify --allowed-signers");
    assert!(lossy(&o.stdout).contains("Good signature of SHA256SUMS by auditor@example.org"), "{}", lossy(&o.stdout));
    match ssh_keygen_verify(&site, &out) {
        Some(ok) => assert!(ok, "ssh-keygen -Y verify refused quorum's signature"),
        None => eprintln!("ssh-keygen is not installed; its check skipped"),
    }
    // Without --allowed-signers the files still verify, and the signature is mentioned.
    let o = quorum(&["verify", out.to_str().unwrap()]);
    assert_success(&o, "quorum verify");
    assert!(lossy(&o.stderr).contains("SHA256SUMS.sig is present"));
}

#[test]
fn one_changed_byte_of_the_manifest_fails_both_checks() {
    let (site, _dir, out) = signed_site();
    let path = out.join("SHA256SUMS");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[0] = if bytes[0] == b'0' { b'1' } else { b'0' };
    std::fs::write(&path, bytes).unwrap();
    let o = quorum_verify(&site, &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(lossy(&o.stderr).contains("BAD signature"), "{}", lossy(&o.stderr));
    if let Some(ok) = ssh_keygen_verify(&site, &out) {
        assert!(!ok, "ssh-keygen accepted a changed manifest");
    }
}

#[test]
fn an_unknown_signer_or_a_missing_signature_fails() {
    let (site, _dir, out) = signed_site();
    site.write(
        "allowed_signers",
        "someone@example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFv0pQyBXmvXRpDWXWXmZ1hFQnFnUHkqB1wS4yT2pVZx\n",
    );
    let o = quorum_verify(&site, &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(lossy(&o.stderr).contains("which the allowed signers do not list"), "{}", lossy(&o.stderr));
    // A namespace restriction that excludes quorum does not allow the key.
    site.write("allowed_signers", &format!("auditor@example.org namespaces=\"git\" {TEST_PUB}\n"));
    assert_eq!(quorum_verify(&site, &out).status.code(), Some(1));
    std::fs::remove_file(out.join("SHA256SUMS.sig")).unwrap();
    site.write("allowed_signers", &format!("auditor@example.org {TEST_PUB}\n"));
    let o = quorum_verify(&site, &out);
    assert!(o.status.code() == Some(1) && lossy(&o.stderr).contains("missing: SHA256SUMS.sig"), "{}", lossy(&o.stderr));
}

#[test]
fn a_bad_key_fails_before_anything_is_built() {
    let site = Site::new(&[("content/actions/A-1.md", crate::support::ACTION)]);
    site.write("key.pub", TEST_PUB);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let o = site.build(&out, &["--sign", site.path("key.pub").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(lossy(&o.stderr).contains("is not an OpenSSH private key") && lossy(&o.stderr).contains("not the .pub"));
    assert!(!out.exists(), "nothing written");
    // An encrypted key, when ssh-keygen can make one.
    let enc = site.path("enc");
    let made = Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "secret", "-f"]).arg(&enc).output();
    if made.is_ok_and(|m| m.status.success()) {
        let o = site.build(&out, &["--sign", enc.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2));
        assert!(lossy(&o.stderr).contains("protected by a passphrase"), "{}", lossy(&o.stderr));
        assert!(!out.exists());
    }
}
