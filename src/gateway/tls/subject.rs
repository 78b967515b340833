//! The subject of a client certificate, read straight from its DER: just enough of
//! X.509 to reach the subject name and print it in RFC 4514 form. rustls has already
//! verified the certificate; this only reads it, and gives `None` on anything odd.

use super::ClientCert;

/// The subject of a DER certificate, or `None` when it cannot be read.
pub fn client_cert(der: &[u8]) -> Option<ClientCert> {
    let (_, cert, _) = tlv(der).filter(|t| t.0 == SEQUENCE)?;
    let (_, tbs, _) = tlv(cert).filter(|t| t.0 == SEQUENCE)?;
    let mut rest = tbs;
    // [0] version is optional; then serial, signature algorithm, issuer, validity, subject.
    let (tag, _, after) = tlv(rest)?;
    if tag == 0xA0 {
        rest = after;
    }
    for _ in 0..4 {
        rest = tlv(rest)?.2;
    }
    let (_, name, _) = tlv(rest).filter(|t| t.0 == SEQUENCE)?;
    let mut parts = Vec::new();
    let mut common_name = None;
    let mut rdns = name;
    while !rdns.is_empty() {
        let (_, set, next) = tlv(rdns).filter(|t| t.0 == SET)?;
        rdns = next;
        let mut atvs = set;
        let mut rdn = Vec::new();
        while !atvs.is_empty() {
            let (_, atv, next) = tlv(atvs).filter(|t| t.0 == SEQUENCE)?;
            atvs = next;
            let (_, oid, value) = tlv(atv).filter(|t| t.0 == OID)?;
            let (vtag, text, _) = tlv(value)?;
            let value = match vtag {
                // UTF8String, PrintableString, TeletexString, IA5String.
                0x0C | 0x13 | 0x14 | 0x16 => escape(&String::from_utf8_lossy(text)),
                _ => format!("#{}", hex::encode(value)),
            };
            if oid == CN {
                common_name = Some(String::from_utf8_lossy(text).into_owned());
            }
            rdn.push(format!("{}={value}", attribute_name(oid)));
        }
        parts.push(rdn.join("+"));
    }
    // RFC 4514 lists the most specific RDN (last in the certificate) first.
    parts.reverse();
    Some(ClientCert {
        subject: parts.join(","),
        common_name,
    })
}

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const OID: u8 = 0x06;
const CN: &[u8] = &[0x55, 0x04, 0x03];

/// One DER tag-length-value: (tag, content, what follows). `None` when truncated.
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7F);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let (bytes, rest) = rest.split_at(n);
        (
            bytes.iter().fold(0usize, |a, &b| (a << 8) | usize::from(b)),
            rest,
        )
    };
    if rest.len() < len {
        return None;
    }
    let (content, rest) = rest.split_at(len);
    Some((tag, content, rest))
}

/// RFC 4514 short names for the usual attributes; dotted OIDs for the rest.
fn attribute_name(oid: &[u8]) -> String {
    match oid {
        [0x55, 0x04, 0x03] => "CN".into(),
        [0x55, 0x04, 0x06] => "C".into(),
        [0x55, 0x04, 0x07] => "L".into(),
        [0x55, 0x04, 0x08] => "ST".into(),
        [0x55, 0x04, 0x0A] => "O".into(),
        [0x55, 0x04, 0x0B] => "OU".into(),
        [0x55, 0x04, 0x09] => "STREET".into(),
        [0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x19] => "DC".into(),
        [0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x01] => "UID".into(),
        _ => dotted(oid),
    }
}

/// An OID's dotted form (`2.5.4.5`).
fn dotted(oid: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut acc: u64 = 0;
    for &b in oid {
        acc = (acc << 7) | u64::from(b & 0x7F);
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (acc / 40).min(2);
                arcs.push(first);
                arcs.push(acc - first * 40);
            } else {
                arcs.push(acc);
            }
            acc = 0;
        }
    }
    arcs.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// RFC 4514 escaping of an attribute value.
fn escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let last = v.chars().count().saturating_sub(1);
    for (i, c) in v.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && matches!(c, '#' | ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DER TLV with a short length.
    fn t(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut v = vec![tag, u8::try_from(content.len()).unwrap()];
        v.extend_from_slice(content);
        v
    }

    fn atv(oid: &[u8], value: &str) -> Vec<u8> {
        t(
            SET,
            &t(SEQUENCE, &[t(OID, oid), t(0x0C, value.as_bytes())].concat()),
        )
    }

    /// A skeleton certificate: only the fields before the subject, and the subject.
    fn cert(subject: &[u8]) -> Vec<u8> {
        let tbs = [
            t(0xA0, &t(0x02, &[2])),
            t(0x02, &[1]),
            t(SEQUENCE, &[]),
            t(SEQUENCE, &[]),
            t(SEQUENCE, &[]),
            t(SEQUENCE, subject),
        ]
        .concat();
        t(SEQUENCE, &t(SEQUENCE, &tbs))
    }

    #[test]
    fn subject_is_rfc4514_most_specific_first() {
        // O=Force then CN=batch in the certificate reads CN=batch,O=Force.
        let subject = [atv(&[0x55, 4, 10], "Force"), atv(CN, "batch")].concat();
        let c = client_cert(&cert(&subject)).unwrap();
        assert_eq!(c.subject, "CN=batch,O=Force");
        assert_eq!(c.common_name.as_deref(), Some("batch"));
    }

    #[test]
    fn special_characters_and_unknown_attributes() {
        // A comma is escaped; an unknown OID (2.5.4.5, serialNumber) is dotted.
        let subject = [atv(&[0x55, 4, 5], "42"), atv(CN, "Smith, J")].concat();
        let c = client_cert(&cert(&subject)).unwrap();
        assert_eq!(c.subject, "CN=Smith\\, J,2.5.4.5=42");
    }

    #[test]
    fn truncated_or_garbage_der_is_none() {
        // Cut in the middle of the subject; a long-form length running past the end; empty.
        let whole = cert(&atv(CN, "batch"));
        assert_eq!(client_cert(&whole[..whole.len() - 3]), None);
        assert_eq!(client_cert(&[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]), None);
        assert_eq!(client_cert(&[]), None);
    }
}
