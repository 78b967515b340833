use super::*;
use std::time::Duration;
use tokio::net::TcpListener;

fn settings(text: &str) -> Result<CicsSettings, Problems> {
    let c: CicsConfig = toml::from_str(text).unwrap();
    let mut ps = Problems::new();
    c.validate(&mut ps).ok_or(ps)
}

fn keys(ps: &Problems) -> Vec<&str> {
    ps.iter().map(|(k, _)| k.as_str()).collect()
}

#[test]
fn standard_sends_the_trm_in_the_chosen_encoding() {
    // IBM's example TRM `TRN1,userdataishere`, in ASCII and in EBCDIC (cp037).
    let s = settings("tranid = \"TRN1\"\nclient_data = \"userdataishere\"\nencoding = \"ascii\"")
        .unwrap();
    assert_eq!(s.prefix, b"TRN1,userdataishere");
    let s = settings("tranid = \"TRN4\"").unwrap();
    assert_eq!(s.prefix, [0xE3, 0xD9, 0xD5, 0xF4]); // T R N 4
}

#[test]
fn enhanced_sends_the_client_data_padded_to_msglen() {
    let s = settings("mode = \"enhanced\"\nclient_data = \"AB\"\nmsglen = 4\nencoding = \"ascii\"")
        .unwrap();
    assert!(s.enhanced);
    assert_eq!(s.prefix, b"AB  ");
}

#[test]
fn config_problems_are_named_at_their_keys() {
    assert_eq!(
        keys(&settings("mode = \"fancy\"").unwrap_err()),
        ["cics.mode"]
    );
    assert_eq!(
        keys(&settings("client_data = \"x\"").unwrap_err()),
        ["cics.tranid"]
    );
    assert_eq!(
        keys(&settings("tranid = \"TOOLONG\"").unwrap_err()),
        ["cics"]
    );
    assert_eq!(
        keys(&settings("tranid = \"T\"\nclient_data = \"a,b\"").unwrap_err()),
        ["cics"]
    );
    assert_eq!(
        keys(&settings("mode = \"enhanced\"\nmsglen = 1000").unwrap_err()),
        ["cics.msglen"]
    );
    assert_eq!(
        keys(&settings("mode = \"enhanced\"\ntranid = \"T\"").unwrap_err()),
        ["cics.tranid"]
    );
    assert!(toml::from_str::<CicsConfig>("tranid = \"T\"\nport = 1").is_err());
}

/// A listener that reads what the client sends and answers `reply` then closes.
async fn listener(reply: &'static [u8]) -> String {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let mut buf = [0u8; 256];
            let _ = s.read(&mut buf).await;
            let _ = s.write_all(reply).await;
        }
    });
    addr
}

async fn call(addr: &str, text: &str) -> Result<Bytes, ConnectorError> {
    let dial = Dial {
        address: addr.into(),
        tls: None,
        connect_timeout: Duration::from_secs(5),
    };
    let c = CicsConnector::new(dial, settings(text).unwrap(), BackendFraming::Len4);
    let ex = Exchange {
        request: Bytes::from_static(b"REC"),
        response_len: 0,
        envelope: Default::default(),
        trace: None,
    };
    tokio::time::timeout(Duration::from_secs(20), c.call(ex))
        .await
        .expect("test hung")
}

#[tokio::test]
async fn the_application_answer_is_read_in_the_backend_framing() {
    let addr = listener(b"\x00\x00\x00\x02OK").await;
    assert_eq!(&call(&addr, "tranid = \"TRN1\"").await.unwrap()[..], b"OK");
}

#[tokio::test]
async fn a_listener_message_is_a_refusal_naming_it() {
    let addr = listener(b"EZY1353E 10/11/05 14:02:56 COMMA MISSING\n").await;
    match call(&addr, "tranid = \"TRN1\"").await {
        Err(ConnectorError::Refused(m)) => assert!(m.contains("EZY1353E"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_listener_closing_after_the_trm_is_closed() {
    let addr = listener(b"").await;
    let r = call(&addr, "tranid = \"TRN1\"").await;
    assert!(matches!(r, Err(ConnectorError::Closed(_))), "{r:?}");
}
