//! `quorum serve`: a live preview that rebuilds in memory and reloads the browser on save.

use std::net::IpAddr;

use clap::Args;

use super::SiteArgs;

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Address to listen on; anything but loopback makes the site readable from other machines
    #[arg(long, value_name = "IP", default_value = "127.0.0.1", value_parser = parse_interface)]
    interface: IpAddr,
    /// Port to listen on; 0 picks a free one (the address is printed)
    #[arg(long, short = 'p', value_name = "PORT", default_value_t = 1111)]
    port: u16,
    /// Open the site in the default browser
    #[arg(long, short = 'O')]
    open: bool,
}

fn parse_interface(s: &str) -> Result<IpAddr, String> {
    if s.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::from([127, 0, 0, 1]));
    }
    s.parse().map_err(|_| format!("`{s}` is not an IP address: use e.g. 127.0.0.1, ::1 or 0.0.0.0"))
}

pub fn run(args: ServeArgs) -> Result<(), super::Error> {
    let config = quorum::ServeConfig {
        options: args.site.options("internal"),
        interface: args.interface,
        port: args.port,
        open: args.open,
    };
    quorum::serve(config).map_err(super::fatal)
}
