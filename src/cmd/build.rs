//! `quorum build`: check, render in memory, then swap the output folder into place.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use quorum::RenderOptions;

use quorum::Failure;

use super::SiteArgs;

#[derive(Args)]
pub struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Where to write the site [default: ROOT/public]
    #[arg(long, short = 'o', value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Build profile from site.toml [audiences.NAME]; `auditor` leaves out planned reviews and confidential material
    #[arg(long, value_name = "NAME", default_value = "internal")]
    audience: String,
    /// Absolute URL the site will be published at (feeds and canonical links only)
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Replace the output folder even if quorum did not create it
    #[arg(long)]
    force: bool,
    /// Treat content warnings (incomplete records) as errors: nothing is written
    #[arg(long)]
    deny_warnings: bool,
    /// Treat status warnings (overdue, late reviews…) as errors too
    #[arg(long)]
    deny_status: bool,
    /// Leave out each record's git history (the commits that changed it)
    #[arg(long)]
    no_history: bool,
    /// Sign SHA256SUMS with this OpenSSH Ed25519 private key: writes SHA256SUMS.sig, which
    /// `ssh-keygen -Y verify -n quorum` and `quorum verify --allowed-signers` check
    #[arg(long, value_name = "KEYFILE")]
    sign: Option<PathBuf>,
    /// Build from nothing kept by earlier builds: no page is taken from the previous output,
    /// and the page index and spare output beside it (.NAME.quorum-cache) are neither used
    /// nor written; the output is the same bytes
    #[arg(long)]
    no_cache: bool,
}

pub fn run(args: BuildArgs) -> Result<(), super::Error> {
    let start = Instant::now();
    let opts = args.site.options(&args.audience);
    let out = args.output_dir.clone().unwrap_or_else(|| quorum::default_output(&args.site.root));
    // The previous output, when it is quorum's, lends its unchanged record pages; its cache
    // folder keeps the index of them either way.
    let cache = (!args.no_cache).then(|| quorum::cache_folder(&out)).flatten();
    let previous = cache.as_ref().map(|(dir, cache)| std::sync::Arc::new(quorum::Previous::open(cache, dir)));
    let render = RenderOptions {
        base_url: args.base_url.clone(),
        provenance: true,
        history: !args.no_history,
        previous: if args.no_cache { None } else { Some(previous.clone().unwrap_or_default()) },
        ..RenderOptions::default()
    };
    // A bad key fails before anything is built.
    let key = args.sign.as_deref().map(quorum::signing_key).transpose().map_err(super::fatal)?;
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        quorum::progress::enable();
    }
    let built = quorum::build(&opts, &render);
    quorum::progress::clear();
    let (mut checked, mut files) = built?;
    checked.diagnostics.deny(args.deny_warnings, args.deny_status);
    if checked.diagnostics.has_errors() {
        return Err(Failure::Content(std::mem::take(&mut checked.diagnostics)).into());
    }
    eprint!("{}", checked.diagnostics.render());
    if let Some(note) = checked.later_note() {
        eprintln!("note: {note}");
    }
    let signed = match &key {
        Some(key) => {
            let sums = files.iter().find(|f| f.path == "SHA256SUMS").map(|f| f.bytes.clone()).unwrap_or_default();
            let signed = key.sign(&sums).map_err(super::fatal)?;
            files.push(quorum::OutputFile { path: "SHA256SUMS.sig".into(), bytes: signed.signature.clone().into() });
            Some(signed)
        }
        None => None,
    };
    let t = Instant::now();
    quorum::progress::stage(&format!("writing {}", quorum::count(files.len(), "file")));
    let read_from_output = |f: &quorum::OutputFile| render.previous.as_ref().is_some_and(|p| p.read_from_output(f));
    let written = quorum::write_with(&out, &args.site.root, &files, args.force, !args.no_cache, &read_from_output);
    quorum::progress::done();
    let written = written.map_err(super::fatal)?;
    quorum::log_stage("write", t);
    if let Some(previous) = &render.previous {
        // Now that the output is in place, the index of its record pages for the next build.
        let saved = quorum::cache_folder(&out).map(|(_, cache)| previous.save(&cache, &files));
        if let Some(Err(e)) = saved {
            eprintln!("warning: cannot keep the page index beside {}: {e}", out.display());
        }
        quorum::debug(&format!("previous output: {} pages reused", previous.reused()));
    }
    let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
    let sums = files.iter().find(|f| f.path == "SHA256SUMS").map(|f| quorum::sha256_hex(&f.bytes));
    let warnings = checked.diagnostics.warning_count();
    println!(
        "Built {} into {} in {:.2} s → {} (as of {}, audience {}{}); {}",
        quorum::count(checked.records, "record"),
        quorum::count(pages, "page"),
        start.elapsed().as_secs_f64(),
        out.strip_prefix(".").unwrap_or(&out).display(),
        checked.as_of(),
        checked.audience(),
        if warnings > 0 { format!(", {}", quorum::count(warnings, "warning")) } else { String::new() },
        written_line(&written)
    );
    if let Some(s) = signed {
        println!("Signed SHA256SUMS with key {} → SHA256SUMS.sig (namespace quorum)", s.fingerprint);
    }
    if let Some(sums) = sums {
        println!("SHA-256 of SHA256SUMS: {sums} (send it to the recipient by another channel; docs/provenance.md)");
    }
    Ok(())
}

/// "wrote 12 files (1.4 MB), 1218 unchanged": what the build changed in the output folder.
fn written_line(w: &quorum::Written) -> String {
    let size = |b: u64| match b {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{:.1} KB", b as f64 / 1e3),
        b => format!("{b} bytes"),
    };
    let mut line = format!("wrote {} ({})", quorum::count(w.files, "file"), size(w.bytes));
    if w.unchanged > 0 {
        line.push_str(&format!(", {} unchanged", w.unchanged));
    }
    line
}
