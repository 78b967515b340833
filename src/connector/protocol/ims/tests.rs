use super::*;
use ferrule_parsers::protocol::ims_connect::{
    encode_answer, encode_request_status, CompleteStatus, RequestDecoder, RequestStatus,
};
use ferrule_parsers::protocol::{HeaderEncoding, Progress};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};

fn config(text: &str) -> ImsConfig {
    toml::from_str(text).unwrap()
}

fn settings(persistent: bool) -> ImsSettings {
    let mut ps = Problems::new();
    let c = config(&format!(
        "datastore = \"IMS1\"\ntrancode = \"VEHQ\"\npersistent = {persistent}"
    ));
    c.validate(&mut ps).unwrap()
}

/// Reads one whole request on the host side with the protocol's own decoder.
async fn read_request(
    s: &mut TcpStream,
) -> Option<ferrule_parsers::protocol::ims_connect::Request> {
    let mut d = RequestDecoder::new();
    let mut buf = [0u8; 4096];
    loop {
        match d.poll().ok()? {
            Progress::Done(r) => return Some(r),
            Progress::NeedMore(_) => {
                let n = s.read(&mut buf).await.ok()?;
                if n == 0 {
                    return None;
                }
                d.feed(&buf[..n]);
            }
        }
    }
}

/// A host answering each connection's requests with `answer(request)`.
async fn host<F>(answer: F) -> String
where
    F: Fn(&ferrule_parsers::protocol::ims_connect::Request) -> Vec<u8> + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                while let Some(r) = read_request(&mut s).await {
                    if s.write_all(&answer(&r)).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}

fn connector(addr: &str, s: ImsSettings) -> ImsConnector {
    let dial = Dial {
        address: addr.into(),
        tls: None,
        connect_timeout: Duration::from_secs(5),
    };
    ImsConnector::new(dial, s, 2)
}

async fn call(c: &ImsConnector, record: &[u8]) -> Result<Bytes, ConnectorError> {
    let ex = Exchange {
        request: Bytes::copy_from_slice(record),
        response_len: 0,
        envelope: Default::default(),
        trace: None,
    };
    tokio::time::timeout(Duration::from_secs(20), c.call(ex))
        .await
        .expect("test hung")
}

fn ok(segments: &[&[u8]]) -> Vec<u8> {
    let f = AnswerFormat::default();
    encode_answer(
        segments,
        CompleteStatus::default(),
        f,
        HeaderEncoding::Ebcdic,
    )
    .unwrap()
}

#[test]
fn records_map_to_segments_with_room_for_the_trancode() {
    // Short: one segment. Long: the first holds 8 fewer bytes than the others.
    assert_eq!(segments(b"ABC"), vec![&b"ABC"[..]]);
    assert_eq!(segments(b""), vec![&b""[..]]);
    let long = vec![7u8; 40_000];
    let s = segments(&long);
    let lens: Vec<usize> = s.iter().map(|x| x.len()).collect();
    assert_eq!(lens, [32_755, 40_000 - 32_755]);
}

#[test]
fn config_problems_are_named_at_their_keys() {
    // Blank datastore, bad trancode, bad encoding, unset password variable, bad timer.
    let mut ps = Problems::new();
    let c = config(
        "datastore = \" \"\ntrancode = \"9BAD\"\nencoding = \"utf8\"\nracf_password_env = \"FERRULE_TEST_NO_SUCH_VAR\"\ntimer = 200",
    );
    assert!(c.validate(&mut ps).is_none());
    let keys: Vec<&str> = ps.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "ims.encoding",
            "ims.racf_password_env",
            "ims.timer",
            "ims.datastore"
        ]
    );
    // A value too long for its 8-byte field.
    let mut ps = Problems::new();
    assert!(
        config("datastore = \"IMS1\"\ntrancode = \"T\"\nlterm = \"NINECHARS\"")
            .validate(&mut ps)
            .is_none()
    );
    assert!(ps[0].1.contains("lterm"), "{ps:?}");
    // Unknown keys are refused by serde.
    assert!(
        toml::from_str::<ImsConfig>("datastore = \"A\"\ntrancode = \"T\"\npassword = \"x\"")
            .is_err()
    );
}

#[tokio::test]
async fn multi_segment_answers_are_concatenated_and_the_request_is_checked() {
    // The host checks the decoded IRM and answers in three segments.
    let addr = host(|r| {
        assert_eq!(r.settings.datastore, "IMS1");
        assert_eq!(r.settings.trancode, "VEHQ");
        assert_eq!(r.segments, vec![b"REC-01".to_vec()]);
        // A generated client id: F and 7 hex digits.
        assert_eq!(r.settings.client_id.len(), 8);
        assert!(r.settings.client_id.starts_with('F'));
        ok(&[b"ANS", b"WER", b"-1"])
    })
    .await;
    let c = connector(&addr, settings(false));
    assert_eq!(&call(&c, b"REC-01").await.unwrap()[..], b"ANSWER-1");
}

#[tokio::test]
async fn persistent_sockets_are_reused_with_one_client_id() {
    let addr = host(|r| ok(&[r.settings.client_id.as_bytes()])).await;
    let c = connector(&addr, settings(true));
    let first = call(&c, b"A").await.unwrap();
    let second = call(&c, b"B").await.unwrap();
    assert_eq!(first, second);
}

#[tokio::test]
async fn a_request_status_is_refused_with_its_codes() {
    let addr = host(|_| {
        let rsm = RequestStatus {
            return_code: 4,
            reason_code: 24,
            ..RequestStatus::default()
        };
        encode_request_status(&rsm, AnswerFormat::default(), HeaderEncoding::Ebcdic).unwrap()
    })
    .await;
    let c = connector(&addr, settings(false));
    match call(&c, b"X").await {
        Err(ConnectorError::Refused(m)) => {
            assert!(m.contains("return code 4, reason code 24"), "{m}")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn garbage_after_the_end_of_message_is_a_bad_frame() {
    let addr = host(|_| [ok(&[b"OK"]), b"JUNK".to_vec()].concat()).await;
    let c = connector(&addr, settings(false));
    let r = call(&c, b"X").await;
    assert!(matches!(r, Err(ConnectorError::BadFrame(_))), "{r:?}");
}

#[tokio::test]
async fn a_truncated_answer_is_closed() {
    // Half an answer, then the host closes the connection.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let _ = read_request(&mut s).await;
            let a = ok(&[b"PARTIAL"]);
            let _ = s.write_all(&a[..a.len() / 2]).await;
        }
    });
    let c = connector(&addr, settings(false));
    let r = call(&c, b"X").await;
    assert!(matches!(r, Err(ConnectorError::Closed(_))), "{r:?}");
}
