//! encode -> decode identity for every message at every version, on pseudo-random values.
//!
//! proptest picks the seeds (and shrinks a failing one); `Field::sample` turns a seed into a
//! value valid at the version: only fields the version carries are set, null only where the
//! version allows it, plus an unknown tagged field now and then in flexible versions.

use bytes::BytesMut;
use kafka_protocol::Message;
use kafka_protocol::schema::{Ctx, Field, Sampler};
use proptest::prelude::*;

fn roundtrip<M: Message + Field + PartialEq + std::fmt::Debug>(seed: u64) -> Result<usize, String> {
    let mut n = 0;
    for version in M::MIN_VERSION..=M::MAX_VERSION {
        let cx = Ctx {
            version,
            flexible: M::is_flexible(version),
        };
        let mut g = Sampler::new(seed ^ ((M::API_KEY as u64) << 32) ^ version as u64);
        let msg = <M as Field>::sample(&mut g, cx, false);
        let mut buf = BytesMut::new();
        msg.encode(&mut buf, version)
            .map_err(|e| format!("{} v{version}: encode {e}: {msg:?}", M::NAME))?;
        let bytes = buf.freeze();
        let back = M::decode_exact(bytes.clone(), version)
            .map_err(|e| format!("{} v{version}: decode {e}: {msg:?}", M::NAME))?;
        if back != msg {
            return Err(format!(
                "{} v{version}: {msg:?} came back as {back:?}",
                M::NAME
            ));
        }
        // Decoding must also stop exactly at the end: one byte short is an error, not a panic.
        if !bytes.is_empty() && M::decode_exact(bytes.slice(..bytes.len() - 1), version).is_ok() {
            return Err(format!("{} v{version}: truncated input decoded", M::NAME));
        }
        n += 1;
    }
    Ok(n)
}

fn all(seed: u64) -> Result<usize, String> {
    let mut n = 0;
    macro_rules! each {
        ($key:expr, $req:ty, $resp:ty) => {
            n += roundtrip::<$req>(seed)?;
            n += roundtrip::<$resp>(seed)?;
        };
    }
    kafka_protocol::for_each_api!(each);
    Ok(n)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_message_every_version_round_trips(seed in any::<u64>()) {
        let n = all(seed).map_err(TestCaseError::fail)?;
        let expected: usize = kafka_protocol::messages::API_VERSIONS
            .iter()
            .map(|a| 2 * (a.max_version - a.min_version + 1) as usize)
            .sum();
        prop_assert_eq!(n, expected);
    }
}
