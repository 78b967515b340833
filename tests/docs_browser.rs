//! The `/docs` page in a real browser: the real `ferrule demo` (mock hosts + gateway,
//! serving `/docs` and the `/openapi.json` it reads) and headless Chromium driven over
//! WebDriver (chromedriver + fantoccini). A vehicle enquiry is filled in and sent and
//! its JSON answer must appear; a screenshot is kept in `target/ci-artifacts/`.
//!
//! A second run serves the secured sample (`samples/secure`): the page's credentials box
//! and its `X-Purpose` choice must reach the gateway (401 without, 200 with).
//!
//! The page is found by what any document of the demo has (`data-method`, `data-path`,
//! parameter names), never by operationIds.
//!
//! Needs Debian `chromium` and `chromium-driver` (`/usr/bin/chromium`,
//! `/usr/bin/chromedriver`; `FERRULE_CHROMIUM` / `FERRULE_CHROMEDRIVER` point elsewhere).
//! Missing browser = failure; only `FERRULE_SKIP_BROWSER=1` (never set in CI) skips.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

/// Every wait is bounded by this, so a broken page fails instead of hanging.
const WAIT: Duration = Duration::from_secs(20);
/// A VRM the demo's vehicle host knows (samples/gateway/vehicles.jsonl) and one it does not.
const KNOWN_VRM: &str = "AB12CDE";
const UNKNOWN_VRM: &str = "ZZ99ZZZ";
const VEHICLE_OP: &str = r#"section[data-method="GET"][data-path="/v1/vehicles/{vrm}"]"#;
const INCIDENT_OP: &str = r#"section[data-method="POST"][data-path="/v1/incidents"]"#;

/// A child process killed (and reaped) when the test ends, however it ends.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn tool(env: &str, default: &str) -> PathBuf {
    std::env::var_os(env).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// Starts `program` with stdout piped and returns the first stdout line that `pick`
/// accepts, mapped; lines keep being drained afterwards so the child never blocks.
fn spawn_until<T: Send + 'static>(
    cmd: &mut Command,
    what: &str,
    pick: impl Fn(&str) -> Option<T> + Send + 'static,
) -> (Proc, T) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{what} does not start: {e}"));
    let stdout = child.stdout.take().expect("stdout");
    let proc = Proc(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if !sent {
                if let Some(v) = pick(&line) {
                    sent = tx.send(v).is_ok();
                }
            }
        }
    });
    let found = rx
        .recv_timeout(WAIT)
        .unwrap_or_else(|_| panic!("{what} did not report readiness within {WAIT:?}"));
    (proc, found)
}

/// Where CI keeps artefacts: `<target dir>/ci-artifacts/`.
fn artefact(name: &str) -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.parent().unwrap_or(tmp).join("ci-artifacts");
    std::fs::create_dir_all(&dir).expect("ci-artifacts dir");
    dir.join(name)
}

/// Chromium and chromedriver, or `None` when `FERRULE_SKIP_BROWSER=1`; missing ones fail.
fn browser_tools() -> Option<(PathBuf, PathBuf)> {
    if std::env::var_os("FERRULE_SKIP_BROWSER").is_some_and(|v| v == "1") {
        eprintln!("FERRULE_SKIP_BROWSER=1: browser test skipped");
        return None;
    }
    let chromium = tool("FERRULE_CHROMIUM", "/usr/bin/chromium");
    let chromedriver = tool("FERRULE_CHROMEDRIVER", "/usr/bin/chromedriver");
    for (path, package) in [(&chromium, "chromium"), (&chromedriver, "chromium-driver")] {
        assert!(
            path.is_file(),
            "{} is missing: install the Debian packages `chromium chromium-driver` \
             (this one comes from `{package}`), or set FERRULE_SKIP_BROWSER=1 to skip",
            path.display()
        );
    }
    Some((chromium, chromedriver))
}

/// Runs `steps` in a fresh headless Chromium against the gateway at `base`; on failure
/// keeps a screenshot as `failed_png` and panics with the step that failed.
async fn in_browser<F>(base: &str, failed_png: &str, steps: F)
where
    F: for<'c> AsyncStep<'c>,
{
    let Some((chromium, chromedriver)) = browser_tools() else {
        return;
    };
    let (_driver, port) = spawn_until(
        Command::new(&chromedriver).arg("--port=0"),
        "chromedriver",
        |line| {
            line.split_once("started successfully on port ")
                .and_then(|(_, p)| p.trim_end_matches('.').trim().parse::<u16>().ok())
        },
    );
    let profile = tempfile::tempdir().expect("profile dir");
    let client = connect(&chromium, port, profile.path()).await;
    let outcome = tokio::time::timeout(Duration::from_secs(120), steps.run(&client, base)).await;
    let outcome = outcome.unwrap_or_else(|_| Err("the browser steps took over 120 s".into()));
    if outcome.is_err() {
        // Keep what the browser showed, for whoever reads the CI log.
        if let Ok(png) = client.screenshot().await {
            let path = artefact(failed_png);
            let _ = std::fs::write(&path, png);
            eprintln!("screenshot of the failure: {}", path.display());
        }
    }
    // Ends the browser; chromedriver is killed when dropped.
    let _ = client.close().await;
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

/// An async browser script: `fn(&Client, &str) -> Step<()>` for any borrow of the client.
trait AsyncStep<'c> {
    fn run(
        self,
        c: &'c Client,
        base: &'c str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Step<()>> + 'c>>;
}

impl<'c, F, Fut> AsyncStep<'c> for F
where
    F: FnOnce(&'c Client, &'c str) -> Fut,
    Fut: std::future::Future<Output = Step<()>> + 'c,
{
    fn run(
        self,
        c: &'c Client,
        base: &'c str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Step<()>> + 'c>> {
        Box::pin(self(c, base))
    }
}

#[tokio::test]
async fn the_docs_page_sends_a_vehicle_enquiry_and_shows_the_answer() {
    if browser_tools().is_none() {
        return;
    }
    // The real gateway with its own /openapi.json: the page must work against that.
    let (_demo, base) = spawn_until(
        Command::new(env!("CARGO_BIN_EXE_ferrule")).args(["demo", "--listen", "127.0.0.1:0"]),
        "ferrule demo",
        |line| {
            line.split_once("listening on http://")
                .map(|(_, addr)| format!("http://{}", addr.trim()))
        },
    );
    in_browser(&base, "docs-page-failed.png", drive).await;
}

#[tokio::test]
async fn on_a_secured_gateway_the_page_sends_the_key_and_the_purpose() {
    if browser_tools().is_none() {
        return;
    }
    let mock = common::gateway::Mock::start(&common::gateway::sample_mock(false));
    let dir = tempfile::tempdir().expect("tempdir");
    let audit = dir.path().join("audit.log");
    let gateway =
        common::gateway::Gateway::start(&common::gateway::secure_sample(&mock.hosts, &audit));
    let base = format!("http://{}", gateway.addr());
    in_browser(&base, "docs-page-secured-failed.png", drive_secured).await;
    // Both calls reached the gateway and were audited: the refused one and the answered one
    // (the browser's own /favicon.ico is audited too, as unrouted).
    let lines = std::fs::read_to_string(&audit).expect("audit log");
    let statuses: Vec<&str> = lines
        .lines()
        .filter(|l| l.contains("\"route\":\"/v1/vehicles/{vrm}\""))
        .filter_map(|l| l.split("\"status\":").nth(1))
        .map(|rest| rest.get(..3).unwrap_or(rest))
        .collect();
    assert_eq!(statuses, ["401", "200"], "{lines}");
    assert!(lines.contains("\"purpose\":\"TRAFFIC\""), "{lines}");
}

async fn connect(chromium: &Path, port: u16, profile: &Path) -> Client {
    let args = [
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--window-size=1280,1500".into(),
        format!("--user-data-dir={}", profile.display()),
    ];
    let caps = serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": chromium, "args": args },
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!("a JSON object literal")
    };
    let mut builder = ClientBuilder::new(HttpConnector::new());
    builder.capabilities(caps);
    let url = format!("http://127.0.0.1:{port}");
    let connecting = builder.connect(&url);
    match tokio::time::timeout(Duration::from_secs(60), connecting).await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => panic!("chromedriver could not start {}: {e}", chromium.display()),
        Err(_) => panic!("chromedriver did not start a browser session within 60 s"),
    }
}

type Step<T> = Result<T, String>;

fn step<E: std::fmt::Display>(what: &str) -> impl FnOnce(E) -> String + '_ {
    move |e| format!("{what}: {e}")
}

async fn css(c: &Client, selector: &str) -> Step<fantoccini::elements::Element> {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(selector))
        .await
        .map_err(step(selector))
}

async fn text(c: &Client, selector: &str) -> Step<String> {
    css(c, selector).await?.text().await.map_err(step(selector))
}

/// Presses the operation's Send button and waits for its answer with `status`.
async fn send(c: &Client, op: &str, status: u16) -> Step<()> {
    css(c, &format!("{op} button[data-send]"))
        .await?
        .click()
        .await
        .map_err(step("click Send"))?;
    let done = format!(r#"{op} [data-result][data-state="done"][data-status-code="{status}"]"#);
    if css(c, &done).await.is_err() {
        let shown = text(c, &format!("{op} [data-result]")).await?;
        return Err(format!(
            "{op}: no answer with status {status}; the panel shows:\n{shown}"
        ));
    }
    Ok(())
}

/// Types `vrm` into the vehicle form, sends it, and waits for the answer with `status`.
async fn enquire(c: &Client, vrm: &str, status: u16) -> Step<()> {
    let input = css(
        c,
        &format!(r#"{VEHICLE_OP} input[data-param="vrm"][data-in="path"]"#),
    )
    .await?;
    input.clear().await.map_err(step("clear vrm"))?;
    input.send_keys(vrm).await.map_err(step("type vrm"))?;
    send(c, VEHICLE_OP, status).await
}

async fn drive(c: &Client, base: &str) -> Step<()> {
    c.goto(&format!("{base}/docs"))
        .await
        .map_err(step("load /docs"))?;
    // The script ran (its CSP hash matched) and rendered the document.
    css(c, r#"body[data-ready="true"]"#).await?;
    let title = text(c, "#docs-title").await?;
    if title.trim().is_empty() || title == "API docs" {
        return Err(format!("the API title is not shown (got {title:?})"));
    }
    let link = css(c, "#docs-openapi-link").await?;
    let href = link.prop("href").await.map_err(step("link href"))?;
    if href.as_deref() != Some(&format!("{base}/openapi.json")) {
        return Err(format!("openapi.json link points to {href:?}"));
    }
    // The stylesheet applied too (its CSP hash matched): the form/answer grid is laid out.
    let grid = css(c, &format!("{VEHICLE_OP} .op-body"))
        .await?
        .css_value("display")
        .await
        .map_err(step("css display"))?;
    if grid != "grid" {
        return Err(format!("the page's CSS did not apply (display: {grid})"));
    }

    enquire(c, KNOWN_VRM, 200).await?;
    let body = text(c, &format!("{VEHICLE_OP} pre[data-response-body]")).await?;
    for want in [KNOWN_VRM, "VAUXHALL", "ASTRA SRI"] {
        if !body.contains(want) {
            return Err(format!("the answer lacks {want}:\n{body}"));
        }
    }
    let ct = text(c, &format!("{VEHICLE_OP} [data-content-type]")).await?;
    let id = text(c, &format!("{VEHICLE_OP} [data-request-id]")).await?;
    if !ct.starts_with("application/json") || id.len() < 8 {
        return Err(format!("content-type {ct:?}, request id {id:?}"));
    }
    // The top of the page: title, link, credentials (if any) and the answered form.
    c.execute("window.scrollTo(0, 0);", vec![])
        .await
        .map_err(step("scroll"))?;
    let png = c.screenshot().await.map_err(step("screenshot"))?;
    let path = artefact("docs-page.png");
    std::fs::write(&path, png).map_err(step("write screenshot"))?;
    println!("docs page screenshot: {}", path.display());

    enquire(c, UNKNOWN_VRM, 404).await?;
    let body = text(c, &format!("{VEHICLE_OP} pre[data-response-body]")).await?;
    if body.trim().is_empty() {
        return Err("the 404 answer shows no body".into());
    }

    // The incident form's body is prefilled from the request schema as a JSON object.
    let area = css(c, &format!("{INCIDENT_OP} textarea[data-body]")).await?;
    let prefilled = area.prop("value").await.map_err(step("body value"))?;
    let parsed: serde_json::Value = serde_json::from_str(prefilled.as_deref().unwrap_or(""))
        .map_err(step("the prefilled body is not JSON"))?;
    if !parsed.is_object() || parsed.get("incident_type").is_none() {
        return Err(format!("prefilled body: {parsed}"));
    }
    // A body the gateway refuses: its problem+json answer is shown like any other.
    area.clear().await.map_err(step("clear body"))?;
    area.send_keys(r#"{"incident_type":"ROAD TRAFFIC COLLISION","colour":"red"}"#)
        .await
        .map_err(step("type body"))?;
    send(c, INCIDENT_OP, 400).await?;
    let ct = text(c, &format!("{INCIDENT_OP} [data-content-type]")).await?;
    let body = text(c, &format!("{INCIDENT_OP} pre[data-response-body]")).await?;
    if ct != "application/problem+json" || !body.contains("invalid-request") {
        return Err(format!("problem answer: {ct}\n{body}"));
    }
    Ok(())
}

/// A TEST-ONLY key of the secured sample holding `vehicles:read keeper:read`.
const DESK_KEY: &str = "test-only-key-custody-desk-0002";

async fn drive_secured(c: &Client, base: &str) -> Step<()> {
    c.goto(&format!("{base}/docs"))
        .await
        .map_err(step("load /docs"))?;
    css(c, r#"body[data-ready="true"]"#).await?;
    // The document declares security schemes: the credentials box is shown.
    let shown = css(c, "#docs-auth")
        .await?
        .is_displayed()
        .await
        .map_err(step("credentials box"))?;
    if !shown {
        return Err("the credentials box is hidden".into());
    }
    // The route requires a purpose from a fixed list: offered as a choice.
    let purpose = css(
        c,
        &format!(r#"{VEHICLE_OP} select[data-param="X-Purpose"][data-in="header"]"#),
    )
    .await?;
    purpose
        .select_by_value("TRAFFIC")
        .await
        .map_err(step("choose the purpose"))?;
    // Without a key: the gateway's 401 problem is shown.
    enquire(c, KNOWN_VRM, 401).await?;
    let ct = text(c, &format!("{VEHICLE_OP} [data-content-type]")).await?;
    if ct != "application/problem+json" {
        return Err(format!("401 answer content type {ct:?}"));
    }
    // With the API key scheme chosen and a key typed: 200, the keeper's name included
    // (the desk key holds keeper:read).
    css(c, "#docs-auth-scheme")
        .await?
        .select_by_value("apiKey")
        .await
        .map_err(step("choose the apiKey scheme"))?;
    css(c, "#docs-auth-value")
        .await?
        .send_keys(DESK_KEY)
        .await
        .map_err(step("type the key"))?;
    enquire(c, KNOWN_VRM, 200).await?;
    let body = text(c, &format!("{VEHICLE_OP} pre[data-response-body]")).await?;
    if !body.contains("VAUXHALL") || !body.contains("keeper_name") {
        return Err(format!(
            "the answer lacks the vehicle or its keeper:\n{body}"
        ));
    }
    c.execute("window.scrollTo(0, 0);", vec![])
        .await
        .map_err(step("scroll"))?;
    let png = c.screenshot().await.map_err(step("screenshot"))?;
    std::fs::write(artefact("docs-page-secured.png"), png).map_err(step("write screenshot"))?;
    Ok(())
}
