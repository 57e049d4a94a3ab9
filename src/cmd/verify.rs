//! `quorum verify DIR [--allowed-signers FILE]`: a built site against its SHA256SUMS
//! manifest, and the manifest against its signature.

use std::path::PathBuf;

use clap::Args;

#[derive(Args)]
#[command(after_help = "Without --allowed-signers, a SHA256SUMS.sig in the folder is reported but not checked. \
    An allowed_signers file has a line per trusted key, as for `ssh-keygen -Y verify`:\n  \
    auditor@example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA…\n\
    See docs/provenance.md.")]
pub struct VerifyArgs {
    /// The built site folder
    dir: PathBuf,
    /// Also check SHA256SUMS.sig against the keys in this OpenSSH allowed_signers file
    #[arg(long, value_name = "FILE")]
    allowed_signers: Option<PathBuf>,
}

pub fn run(args: VerifyArgs) -> Result<(), super::Error> {
    let mut problems = quorum::verify(&args.dir).map_err(super::fatal)?;
    let sig_path = args.dir.join("SHA256SUMS.sig");
    let mut signed_by = None;
    match &args.allowed_signers {
        Some(allowed) => {
            let allowed = std::fs::read_to_string(allowed)
                .map_err(|e| super::fatal(format!("cannot read {}: {e}", allowed.display())))?;
            let sums = std::fs::read(args.dir.join("SHA256SUMS")).unwrap_or_default();
            match std::fs::read(&sig_path) {
                Ok(sig) => match quorum::verify_signature(&sums, &sig, &allowed) {
                    Ok(s) => signed_by = Some(s),
                    Err(e) => problems.push(e),
                },
                Err(_) => problems.push("missing: SHA256SUMS.sig (the copy is not signed)".into()),
            }
        }
        None if sig_path.is_file() => {
            eprintln!("note: SHA256SUMS.sig is present; pass --allowed-signers FILE to check who signed it");
        }
        None => {}
    }
    if problems.is_empty() {
        println!("{}: every file matches SHA256SUMS", args.dir.display());
        if let Some(s) = signed_by {
            println!("Good signature of SHA256SUMS by {} (key {})", s.principals, s.fingerprint);
        }
        return Ok(());
    }
    for p in &problems {
        eprintln!("{p}");
    }
    Err(super::Error::Listed(Some(format!("{} problem(s) in {}", problems.len(), args.dir.display()))))
}
