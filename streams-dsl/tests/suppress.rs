//! Suppression details the parity scenarios cannot show (their inputs carry no headers): an
//! emitted update keeps the headers and timestamp of the update it holds back, as Java's
//! `KTableSuppressProcessor` forwards the buffered record context.

use std::time::Duration;

use bytes::Bytes;
use streams_core::StreamsConfig;
use streams_core::processor::Headers;
use streams_core::serde::Serdes;
use streams_core::test_driver::{TestRecord, TopologyTestDriver};
use streams_dsl::{BufferConfig, StreamsBuilder};

#[test]
fn an_emitted_update_carries_the_headers_of_the_update_it_held() {
    let b = StreamsBuilder::new();
    b.table::<String, String>("t")
        .suppress_until_time_limit(Duration::from_millis(5), BufferConfig::unbounded())
        .to_stream()
        .to("out");
    let driver =
        TopologyTestDriver::with_wall_clock(b.build().unwrap(), StreamsConfig::new("h"), 0)
            .unwrap();
    let mut input = driver.create_input_topic("t", Serdes::string(), Serdes::string());
    let with = |n: &str| {
        let mut h = Headers::new();
        h.add("n", Some(Bytes::copy_from_slice(n.as_bytes())));
        h
    };
    for (value, ts, headers) in [("1", 1, with("first")), ("2", 2, with("second"))] {
        input
            .pipe_record(TestRecord {
                key: "a".to_owned(),
                value: value.to_owned(),
                timestamp: ts,
                headers,
            })
            .unwrap();
    }
    // Stream time 10 releases "a", whose first held update was at 1.
    input
        .pipe_record(TestRecord {
            key: "b".to_owned(),
            value: "3".to_owned(),
            timestamp: 10,
            headers: with("third"),
        })
        .unwrap();
    let mut out = driver.create_output_topic("out", Serdes::string(), Serdes::string());
    let got = out.read_records_to_list().unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].key.as_str(), got[0].value.as_str()), ("a", "2"));
    assert_eq!(got[0].timestamp, 2);
    assert_eq!(got[0].headers, with("second"));
}
