//! Response decoding on arbitrary bytes: byte 0 picks the API, byte 1 the version, the rest is
//! the body (a response header too, when byte 0 is odd).
//!
//! Decoding must never panic. When it succeeds, the message must re-encode at the same version
//! and decode to an equal value (bytes may differ: Kafka accepts non-canonical input such as
//! a bool byte of 2 or a tagged field holding its default, which re-encode canonically).
#![no_main]

use bytes::{Bytes, BytesMut};
use kafka_protocol::Message;
use kafka_protocol::header::{ResponseHeader, response_header_version};
use libfuzzer_sys::fuzz_target;

fn check<M: Message + PartialEq + std::fmt::Debug>(version_byte: u8, with_header: bool, body: &[u8]) {
    let span = (M::MAX_VERSION - M::MIN_VERSION + 1) as u8;
    let version = M::MIN_VERSION + (version_byte % span) as i16;
    let mut buf = Bytes::copy_from_slice(body);
    if with_header {
        let hv = response_header_version(M::API_KEY, M::is_flexible(version));
        if ResponseHeader::decode(&mut buf, hv).is_err() {
            return;
        }
    }
    let Ok(msg) = M::decode_exact(buf, version) else {
        return;
    };
    let mut out = BytesMut::new();
    msg.encode(&mut out, version)
        .unwrap_or_else(|e| panic!("{} v{version}: decoded but cannot re-encode: {e}", M::NAME));
    let again = M::decode_exact(out.freeze(), version)
        .unwrap_or_else(|e| panic!("{} v{version}: re-encoded bytes do not decode: {e}", M::NAME));
    assert_eq!(msg, again, "{} v{version}", M::NAME);
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let apis = kafka_protocol::messages::API_VERSIONS;
    let pick = apis[(data[0] as usize / 2) % apis.len()].api_key;
    let with_header = data[0] % 2 == 1;
    macro_rules! each {
        ($key:expr, $req:ty, $resp:ty) => {
            if pick == $key {
                check::<$resp>(data[1], with_header, &data[2..]);
            }
        };
    }
    kafka_protocol::for_each_api!(each);
});
