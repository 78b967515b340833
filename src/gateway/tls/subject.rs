//! The subject of a client certificate as an RFC 4514 string, the principal an mTLS
//! caller is known by. x509-parser reads the certificate (rustls has already verified
//! it); this module only prints the subject name: most specific RDN first, multi-valued
//! RDNs joined with `+`, special characters escaped, values that are not text as `#hex`
//! of their DER. Anything unreadable gives `None`.

use x509_parser::asn1_rs::{Any, Tag, ToDer};
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

use super::ClientCert;

/// The subject of a DER certificate, or `None` when it cannot be read.
pub fn client_cert(der: &[u8]) -> Option<ClientCert> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    principal(cert.subject())
}

/// `name` in RFC 4514 form, with its (last) common name.
fn principal(name: &X509Name<'_>) -> Option<ClientCert> {
    let mut parts = Vec::new();
    let mut common_name = None;
    for rdn in name.iter() {
        let mut atvs = Vec::new();
        for atv in rdn.iter() {
            let oid = atv.attr_type().to_id_string();
            if oid == CN {
                common_name = text(atv.attr_value()).or(common_name);
            }
            atvs.push(format!("{}={}", attribute_name(&oid), value(atv)?));
        }
        parts.push(atvs.join("+"));
    }
    // RFC 4514 lists the most specific RDN (last in the certificate) first.
    parts.reverse();
    Some(ClientCert {
        subject: parts.join(","),
        common_name,
    })
}

const CN: &str = "2.5.4.3";

/// The text of a string value: UTF8String, PrintableString, TeletexString, IA5String.
fn text(v: &Any<'_>) -> Option<String> {
    match v.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::TeletexString | Tag::Ia5String => {
            Some(String::from_utf8_lossy(v.data).into_owned())
        }
        _ => None,
    }
}

/// An attribute value as RFC 4514 writes it: escaped text, or `#` and the hex of its DER.
fn value(atv: &AttributeTypeAndValue<'_>) -> Option<String> {
    let v = atv.attr_value();
    match text(v) {
        Some(t) => Some(escape(&t)),
        None => v
            .to_der_vec()
            .ok()
            .map(|der| format!("#{}", hex::encode(der))),
    }
}

/// RFC 4514 short names for the usual attributes; dotted OIDs for the rest.
fn attribute_name(oid: &str) -> &str {
    match oid {
        CN => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.9" => "STREET",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        other => other,
    }
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
    use rcgen::{CertificateParams, DistinguishedName, DnType, DnValue, KeyPair};

    /// A DER TLV with a short length.
    fn t(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut v = vec![tag, u8::try_from(content.len()).unwrap()];
        v.extend_from_slice(content);
        v
    }

    const SEQUENCE: u8 = 0x30;
    const SET: u8 = 0x31;
    const OID: u8 = 0x06;

    /// One AttributeTypeAndValue: OID bytes and a value TLV.
    fn atv(oid: &[u8], tag: u8, value: &[u8]) -> Vec<u8> {
        t(SEQUENCE, &[t(OID, oid), t(tag, value)].concat())
    }

    fn name(der: &[u8]) -> Option<ClientCert> {
        let (_, n) = X509Name::from_der(der).ok()?;
        principal(&n)
    }

    /// A self-signed certificate with `dn` as its subject.
    fn cert(dn: DistinguishedName) -> Vec<u8> {
        let mut p = CertificateParams::new(vec![]).unwrap();
        p.distinguished_name = dn;
        let key = KeyPair::generate().unwrap();
        p.self_signed(&key).unwrap().der().to_vec()
    }

    #[test]
    fn subject_is_rfc4514_most_specific_first() {
        // O=Force then CN=batch in the certificate reads CN=batch,O=Force.
        let mut dn = DistinguishedName::new();
        dn.push(DnType::OrganizationName, "Force");
        dn.push(DnType::CommonName, "batch");
        let c = client_cert(&cert(dn)).unwrap();
        assert_eq!(c.subject, "CN=batch,O=Force");
        assert_eq!(c.common_name.as_deref(), Some("batch"));
    }

    #[test]
    fn escaped_characters_and_string_types() {
        // UTF8String with a comma and a leading '#', PrintableString, TeletexString and an
        // unknown attribute (2.5.4.5, serialNumber): the first three as escaped text, the
        // BMPString (not one of the text types) as the hex of its DER.
        let mut dn = DistinguishedName::new();
        dn.push(
            DnType::CountryName,
            DnValue::PrintableString("GB".try_into().unwrap()),
        );
        dn.push(
            DnType::OrganizationName,
            DnValue::TeletexString("Heddlu".try_into().unwrap()),
        );
        dn.push(
            DnType::CustomDnType(vec![2, 5, 4, 5]),
            DnValue::BmpString("42".try_into().unwrap()),
        );
        dn.push(
            DnType::CommonName,
            DnValue::Utf8String("#Smith, Siân".into()),
        );
        let c = client_cert(&cert(dn)).unwrap();
        assert_eq!(
            c.subject,
            "CN=\\#Smith\\, Siân,2.5.4.5=#1e0400340032,O=Heddlu,C=GB"
        );
        assert_eq!(c.common_name.as_deref(), Some("#Smith, Siân"));
    }

    #[test]
    fn multi_valued_rdns_are_joined_with_plus() {
        // One RDN holding OU=Traffic and UID=pc1234 (a SET of two), then CN=desk.
        let rdn = t(
            SET,
            &[
                atv(&[0x55, 4, 11], 0x0C, b"Traffic"),
                atv(
                    &[0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x01],
                    0x13,
                    b"pc1234",
                ),
            ]
            .concat(),
        );
        let cn = t(SET, &atv(&[0x55, 4, 3], 0x0C, b"desk+1"));
        let c = name(&t(SEQUENCE, &[rdn, cn].concat())).unwrap();
        assert_eq!(c.subject, "CN=desk\\+1,OU=Traffic+UID=pc1234");
        assert_eq!(c.common_name.as_deref(), Some("desk+1"));
    }

    #[test]
    fn truncated_or_garbage_der_is_none() {
        // Cut in the middle; a long-form length running past the end; empty.
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "batch");
        let whole = cert(dn);
        assert_eq!(client_cert(&whole[..whole.len() - 3]), None);
        assert_eq!(client_cert(&[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]), None);
        assert_eq!(client_cert(&[]), None);
    }
}
