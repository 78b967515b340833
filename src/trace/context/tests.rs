use super::*;

const GOOD: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.append(
            axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    h
}

#[test]
fn a_valid_traceparent_is_read() {
    // The spec's own example.
    let p = parse(GOOD.as_bytes()).unwrap();
    assert_eq!(hex::encode(p.trace_id), "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(hex::encode(p.span_id), "00f067aa0ba902b7");
    assert_eq!(p.flags, 1);
    // Unknown flag bits are dropped, the sampled bit kept.
    let p = parse(b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff").unwrap();
    assert_eq!(p.flags, 1);
    let p = parse(b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00").unwrap();
    assert_eq!(p.flags, 0);
}

#[test]
fn malformed_traceparents_are_refused() {
    for bad in [
        "",
        "00",
        // Version ff is forbidden.
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        // All-zero trace id, all-zero parent id.
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        // Capitals, a non-hex digit, a short trace id, a missing dash.
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
        // Version 00 with anything after the flags.
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        // A version that is not hex.
        "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        // A later version continued without a dash.
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
    ] {
        assert_eq!(parse(bad.as_bytes()), None, "{bad}");
    }
}

#[test]
fn a_later_version_is_read_as_far_as_00_goes() {
    // The spec: parse the known part of a higher version, ignore what follows a dash.
    let p = parse(b"cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-ever").unwrap();
    assert_eq!(hex::encode(p.span_id), "00f067aa0ba902b7");
    assert!(parse(b"cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").is_some());
}

#[test]
fn the_callers_trace_goes_on_with_a_span_of_our_own() {
    let h = headers(&[(TRACEPARENT, GOOD), (TRACESTATE, "congo=t61rcWkgMzE")]);
    let cx = TraceContext::start(&h);
    assert_eq!(
        std::str::from_utf8(&cx.trace_hex()).unwrap(),
        "4bf92f3577b34da6a3ce929d0e0e4736"
    );
    assert_eq!(hex::encode(cx.parent.unwrap()), "00f067aa0ba902b7");
    assert_ne!(cx.span_id, cx.parent.unwrap());
    assert_ne!(cx.span_id, [0; 8]);
    assert_eq!(cx.state.as_ref().unwrap(), "congo=t61rcWkgMzE");
    // What a backend gets: our trace id, the span we name as its parent, the flags.
    let sent = cx.traceparent([0xab; 8]);
    assert_eq!(
        sent.to_str().unwrap(),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-abababababababab-01"
    );
    assert_eq!(parse(sent.as_bytes()).unwrap().trace_id, cx.trace_id);
}

#[test]
fn without_a_valid_traceparent_a_new_trace_starts() {
    for h in [
        headers(&[]),
        headers(&[(TRACEPARENT, "garbage"), (TRACESTATE, "congo=t61rcWkgMzE")]),
        // Two traceparents: neither is trusted.
        headers(&[(TRACEPARENT, GOOD), (TRACEPARENT, GOOD)]),
    ] {
        let a = TraceContext::start(&h);
        let b = TraceContext::start(&h);
        assert_ne!(a.trace_id, [0; 16]);
        assert_ne!(a.trace_id, b.trace_id, "fresh ids each time");
        assert_eq!(a.parent, None);
        // The state belonged to the trace that was dropped.
        assert_eq!(a.state, None);
        assert_eq!(a.flags, 0);
    }
}

#[test]
fn several_tracestate_headers_are_joined() {
    let h = headers(&[
        (TRACEPARENT, GOOD),
        (TRACESTATE, "a=1"),
        (TRACESTATE, "b=2,c=3"),
    ]);
    assert_eq!(TraceContext::start(&h).state.unwrap(), "a=1,b=2,c=3");
}
