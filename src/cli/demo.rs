//! `ferrule demo`: the main job on an embedded default, nothing to set up.
//!
//! Starts three simulated legacy hosts (vehicle enquiry, person enquiry, incident
//! logging: fictional policing data from `samples/gateway/`, built into the binary) and
//! the gateway in front of them, then prints curl commands that work as pasted.
//! `ferrule demo --records` instead decodes the built-in EBCDIC custody file.

use std::future::IntoFuture;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use ferrule_parsers::copybook::{self, ParseOptions};
use ferrule_parsers::framing::{Framing, RecordReader};
use ferrule_parsers::json::{CodecOptions, Decoder, FieldErrorMode};

use super::problems::config_problems;
use super::signals::terminated;
use super::Failure;
use crate::{gateway, mock};

const CUSTODY_COPYBOOK: &str = include_str!("../../samples/custody.cpy");
const CUSTODY_RECORDS: &[u8] = include_bytes!("../../samples/custody.rdw.bin");

/// The gateway sample, file by file, as `samples/gateway/` holds it.
const GATEWAY_SAMPLE: &[(&str, &str)] = &[
    (
        "ferrule.toml",
        include_str!("../../samples/gateway/ferrule.toml"),
    ),
    ("mock.toml", include_str!("../../samples/gateway/mock.toml")),
    (
        "vehenq-req.cpy",
        include_str!("../../samples/gateway/vehenq-req.cpy"),
    ),
    (
        "vehenq-rsp.cpy",
        include_str!("../../samples/gateway/vehenq-rsp.cpy"),
    ),
    (
        "vehicles.jsonl",
        include_str!("../../samples/gateway/vehicles.jsonl"),
    ),
    (
        "nomenq-req.cpy",
        include_str!("../../samples/gateway/nomenq-req.cpy"),
    ),
    (
        "nomenq-rsp.cpy",
        include_str!("../../samples/gateway/nomenq-rsp.cpy"),
    ),
    (
        "nominals.jsonl",
        include_str!("../../samples/gateway/nominals.jsonl"),
    ),
    (
        "incident-req.cpy",
        include_str!("../../samples/gateway/incident-req.cpy"),
    ),
    (
        "incident-rsp.cpy",
        include_str!("../../samples/gateway/incident-rsp.cpy"),
    ),
];

/// The ports the sample files name, replaced by wherever the demo's hosts really listen.
const SAMPLE_HOST_PORTS: &[(&str, &str)] = &[
    ("vehicles", "127.0.0.1:7001"),
    ("nominals", "127.0.0.1:7002"),
    ("incidents", "127.0.0.1:7003"),
];

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Where the gateway listens.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: String,
    /// Instead: decode the built-in EBCDIC (cp285) RDW custody file to JSON Lines and exit.
    #[arg(long)]
    records: bool,
    /// With --records: print the copybook's field listing first (`ferrule layout`'s).
    // Not `--layout`, which names a layout file in decode/encode; that old spelling
    // stays as a hidden alias for scripts.
    #[arg(long, requires = "records", alias = "layout")]
    listing: bool,
}

pub fn run(args: DemoArgs) -> Result<(), Failure> {
    if args.records {
        return records(args.listing);
    }
    let dir = SampleDir::create()?;
    gateway::init_logging(false);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::data(format!("error: cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        // Handlers first: Ctrl-C during start-up must stop the demo cleanly.
        let stop = terminated();
        // Hosts on free ports, so the demo never collides with anything already running.
        let mock_text = SAMPLE_HOST_PORTS
            .iter()
            .fold(sample("mock.toml").to_string(), |t, (_, addr)| {
                t.replace(&format!("listen = \"{addr}\""), "listen = \"127.0.0.1:0\"")
            });
        let mock_path = dir.write("mock.toml", &mock_text)?;
        let set = mock::load(&mock_path).map_err(|ps| config_problems("mock.toml", &ps))?;
        let hosts = mock::start(set)
            .await
            .map_err(|e| Failure::data(format!("error: cannot start the demo's hosts: {e}")))?;
        // Bound here, before anyone is told to curl it: a busy port fails at once, and
        // `--listen 127.0.0.1:0` gets a free port whose real number the guide prints.
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .map_err(|e| {
                Failure::data(format!(
                    "error: cannot listen on {}: {e}\n(is something else on it? try `ferrule demo --listen 127.0.0.1:8081`)",
                    args.listen
                ))
            })?;
        let local = listener.local_addr()?;
        let gateway_text = gateway_config(&hosts.hosts, &local.to_string());
        let config_path = dir.write("ferrule.toml", &gateway_text)?;
        let gw =
            crate::load_config(&config_path).map_err(|ps| config_problems("ferrule.toml", &ps))?;
        let base = format!("http://{local}");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(
            crate::serve(listener, gw)
                .cli_mode(None)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .into_future(),
        );
        print_guide(&base, &hosts.hosts);
        stop.await;
        let _ = tx.send(());
        let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
        drop(hosts);
        Ok(())
    })
}

fn sample(name: &str) -> &'static str {
    GATEWAY_SAMPLE
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, t)| t)
}

/// The sample gateway config pointed at the demo's hosts and listen address.
fn gateway_config(hosts: &[(String, SocketAddr)], listen: &str) -> String {
    let mut text = sample("ferrule.toml").replace(
        "listen = \"127.0.0.1:8080\"",
        &format!("listen = \"{listen}\""),
    );
    for (name, sample_addr) in SAMPLE_HOST_PORTS {
        if let Some((_, real)) = hosts.iter().find(|(n, _)| n == name) {
            text = text.replace(
                &format!("address = \"{sample_addr}\""),
                &format!("address = \"{real}\""),
            );
        }
    }
    text
}

fn print_guide(base: &str, hosts: &[(String, SocketAddr)]) {
    let list: Vec<String> = hosts.iter().map(|(n, a)| format!("{n} on {a}")).collect();
    say!(
        r#"
ferrule demo: gateway on {base}, in front of three simulated legacy hosts
(EBCDIC cp037 records over TCP with 4-byte length prefixes): {hosts}.

Try, in another terminal:

  # a vehicle enquiry: a 100-byte EBCDIC request record out, a 400-byte answer back as JSON
  curl -s {base}/v1/vehicles/AB12CDE

  # no such vehicle: the host's return code 4 becomes HTTP 404
  curl -si {base}/v1/vehicles/ZZ99ZZZ

  # a person (nominal) enquiry from query parameters: an OCCURS DEPENDING ON list of matches
  curl -s '{base}/v1/nominals?surname=smith&forename=john'

  # log an incident (a write): the host answers with a reference number
  curl -s -X POST {base}/v1/incidents -H 'content-type: application/json' \
    -d '{{"incident_type":"RTC","location":{{"location_text":"A470 NEAR MERTHYR","postcode":"CF47 8AA"}},"reporting_officer":{{"collar_number":"PC1234","force_code":62}},"narrative":"TWO VEHICLE COLLISION, NO INJURIES","occurred_at":20240611093000}}'

  # bad input: every bad field named, as application/problem+json
  curl -s -X POST {base}/v1/incidents -H 'content-type: application/json' \
    -d '{{"incident_type":"ROAD TRAFFIC COLLISION","occurred_at":"yesterday","colour":"red"}}'

  # the API described: OpenAPI 3.1 built from the copybooks, and a page to try each call
  curl -s {base}/openapi.json
  # in a browser: {base}/docs

  # health, readiness (backends reachable) and Prometheus metrics
  curl -s {base}/readyz
  curl -s {base}/metrics | grep ferrule_http_requests_total

The configuration behind this is samples/gateway/ferrule.toml (hosts: samples/gateway/mock.toml).
Press Ctrl-C to stop."#,
        hosts = list.join(", ")
    );
    let _ = std::io::stdout().flush();
}

/// The sample files in a private temporary folder, removed when the demo ends.
struct SampleDir(PathBuf);

impl SampleDir {
    fn create() -> Result<SampleDir, Failure> {
        let dir = std::env::temp_dir().join(format!("ferrule-demo-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let d = SampleDir(dir);
        for (name, text) in GATEWAY_SAMPLE {
            d.write(name, text)?;
        }
        Ok(d)
    }

    fn write(&self, name: &str, text: &str) -> Result<PathBuf, Failure> {
        let p = self.0.join(name);
        std::fs::write(&p, text)?;
        Ok(p)
    }
}

impl Drop for SampleDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `--records`: the custody sample, decoded.
fn records(show_layout: bool) -> Result<(), Failure> {
    let layout = copybook::parse(CUSTODY_COPYBOOK, &ParseOptions::default())
        .map_err(|e| Failure::usage(e.render(CUSTODY_COPYBOOK, "samples/custody.cpy")))?;
    let mut out = std::io::stdout().lock();
    if show_layout {
        out.write_all(super::layout_cmd::listing(&layout).as_bytes())?;
    }
    let framing = Framing::parse("rdw").map_err(|e| Failure::usage(e.to_string()))?;
    let opts = CodecOptions {
        codepage: ferrule_parsers::codepage::CodePage::by_name("cp285")
            .ok_or_else(|| Failure::usage("cp285 missing"))?,
        ..CodecOptions::default()
    };
    let mut decoder = Decoder::new(&layout, opts).map_err(|e| Failure::usage(e.to_string()))?;
    let mut reader = RecordReader::new(CUSTODY_RECORDS, framing);
    let mut buf = Vec::new();
    let _ = writeln!(
        std::io::stderr(),
        "ferrule demo: decoding samples/custody.rdw.bin (cp285, RDW) with samples/custody.cpy"
    );
    let mut n = 0;
    while let Some(rec) = reader
        .next_record()
        .map_err(|e| Failure::data(e.to_string()))?
    {
        n += 1;
        buf.clear();
        decoder
            .decode(rec, &mut buf, FieldErrorMode::Fail)
            .map_err(|e| Failure::data(format!("error: {}", e.at_record(n))))?;
        buf.push(b'\n');
        out.write_all(&buf)?;
    }
    Ok(())
}
