//! The integration suite: one binary, one module per feature. Each case writes its own small
//! fixture site into a temporary folder and runs the `quorum` binary on it.

mod approval;
mod as_of;
mod as_they_stood;
mod audience;
mod bounds;
mod build;
mod cache;
mod crosswalks;
mod dashboard;
mod errors;
mod escaping;
mod evidence;
mod frameworks;
mod fs_safety;
mod init;
mod leaks;
mod linkcheck;
mod links;
mod new;
mod output;
mod plain_english;
mod props;
mod provenance;
mod published;
mod registers;
mod sanitize;
mod serve;
mod signing;
mod support;
mod systems;
mod templates;
mod warnings;
