use super::*;
use crate::processor::Headers;

const H: Headers = Headers::new();

fn round<T: PartialEq + std::fmt::Debug + 'static>(s: &dyn Serde<T>, v: T, bytes: &[u8]) {
    let b = s.serialize("t", &H, &v).unwrap().unwrap();
    assert_eq!(&b[..], bytes);
    assert_eq!(s.deserialize("t", &H, Some(&b)).unwrap(), v);
    // serialize_into appends the same bytes after what the buffer holds.
    let mut out = b"pre".to_vec();
    assert!(s.serialize_into("t", &H, &v, &mut out).unwrap());
    assert_eq!(&out[..3], b"pre");
    assert_eq!(&out[3..], bytes);
}

#[test]
fn numbers_are_big_endian_like_java() {
    round(&IntegerSerde, 1, &[0, 0, 0, 1]);
    round(&IntegerSerde, -2, &[0xff, 0xff, 0xff, 0xfe]);
    round(&LongSerde, 258, &[0, 0, 0, 0, 0, 0, 1, 2]);
    round(&ShortSerde, 0x0102, &[1, 2]);
    // Kafka 4.4's FloatSerializer/DoubleSerializer print 3f800000 and 3ff0000000000000 for 1.0.
    round(&FloatSerde, 1.0, &[0x3f, 0x80, 0, 0]);
    round(&DoubleSerde, 1.0, &[0x3f, 0xf0, 0, 0, 0, 0, 0, 0]);
    round(&BoolSerde, true, &[1]);
}

#[test]
fn wrong_widths_and_nulls_are_typed_errors() {
    let e = IntegerSerde
        .deserialize("t", &H, Some(&Bytes::from_static(&[1, 2, 3])))
        .unwrap_err();
    assert!(matches!(
        e,
        SerdeError::InvalidLength {
            expected: 4,
            actual: 3,
            ..
        }
    ));
    assert!(matches!(
        LongSerde.deserialize("t", &H, None).unwrap_err(),
        SerdeError::UnexpectedNull { .. }
    ));
    assert!(matches!(
        StringSerde
            .deserialize("t", &H, Some(&Bytes::from_static(&[0xff, 0xfe])))
            .unwrap_err(),
        SerdeError::InvalidUtf8 { valid_up_to: 0 }
    ));
    assert!(matches!(
        BoolSerde
            .deserialize("t", &H, Some(&Bytes::from_static(&[2])))
            .unwrap_err(),
        SerdeError::InvalidBool(2)
    ));
}

#[test]
fn nullable_maps_none_to_null_bytes() {
    let s = Nullable(StringSerde);
    assert_eq!(s.serialize("t", &H, &None).unwrap(), None);
    assert_eq!(s.deserialize("t", &H, None).unwrap(), None);
    round(&s, Some("hé".to_owned()), "hé".as_bytes());
    let mut out = b"pre".to_vec();
    assert!(!s.serialize_into("t", &H, &None, &mut out).unwrap());
    assert_eq!(out, b"pre");
}

#[test]
fn serialize_into_of_a_null_inner_value_leaves_the_buffer_as_it_was() {
    let s = ValueAndTimestampSerde(Nullable(StringSerde));
    let v = ValueAndTimestamp {
        value: None,
        timestamp: 5,
    };
    assert_eq!(s.serialize("t", &H, &v).unwrap(), None);
    let mut out = b"pre".to_vec();
    assert!(!s.serialize_into("t", &H, &v, &mut out).unwrap());
    assert_eq!(out, b"pre");
}

#[test]
fn uuid_is_its_string_form() {
    let u: Uuid = "123e4567-e89b-12d3-a456-426614174000".parse().unwrap();
    round(&UuidSerde, u, b"123e4567-e89b-12d3-a456-426614174000");
    assert!("123e4567e89b12d3a456426614174000".parse::<Uuid>().is_err());
    assert!(
        "123e4567-e89b-12d3-a456-42661417400g"
            .parse::<Uuid>()
            .is_err()
    );
}

#[test]
fn void_is_always_null() {
    assert_eq!(VoidSerde.serialize("t", &H, &()).unwrap(), None);
    assert!(VoidSerde.deserialize("t", &H, None).is_ok());
    assert!(matches!(
        VoidSerde
            .deserialize("t", &H, Some(&Bytes::from_static(b"x")))
            .unwrap_err(),
        SerdeError::ExpectedNull { len: 1 }
    ));
}

#[test]
fn json_and_timestamped_values() {
    #[derive(::serde::Serialize, ::serde::Deserialize, PartialEq, Debug)]
    struct P {
        a: i32,
    }
    round(&Json::<P>::new(), P { a: 3 }, br#"{"a":3}"#);
    assert!(matches!(
        Json::<P>::new()
            .deserialize("t", &H, Some(&Bytes::from_static(b"nope")))
            .unwrap_err(),
        SerdeError::Json(_)
    ));
    // ValueAndTimestampSerializer: 8-byte big-endian timestamp, then the value (Kafka 4.4 prints
    // 00000000000001020000000000000007 for (7L, ts 0x0102) with LongSerializer).
    round(
        &ValueAndTimestampSerde(StringSerde),
        ValueAndTimestamp {
            value: "v".to_owned(),
            timestamp: 5,
        },
        &[0, 0, 0, 0, 0, 0, 0, 5, b'v'],
    );
    assert!(matches!(
        ValueAndTimestampSerde(StringSerde)
            .deserialize("t", &H, Some(&Bytes::from_static(&[1, 2])))
            .unwrap_err(),
        SerdeError::TruncatedTimestamp(2)
    ));
}

proptest::proptest! {
    #[test]
    fn strings_round_trip(s in ".*") {
        let b = StringSerde.serialize("t", &H, &s).unwrap().unwrap();
        proptest::prop_assert_eq!(StringSerde.deserialize("t", &H, Some(&b)).unwrap(), s);
    }

    #[test]
    fn arbitrary_bytes_never_panic(b in proptest::collection::vec(proptest::num::u8::ANY, 0..40)) {
        let b = Bytes::from(b);
        let _ = IntegerSerde.deserialize("t", &H, Some(&b));
        let _ = UuidSerde.deserialize("t", &H, Some(&b));
        let _ = StringSerde.deserialize("t", &H, Some(&b));
        let _ = ValueAndTimestampSerde(LongSerde).deserialize("t", &H, Some(&b));
        let _ = Json::<Vec<i32>>::new().deserialize("t", &H, Some(&b));
    }
}

#[test]
fn is_null_is_javas_null_check() {
    // What Java's operators test with `key == null`: only a nullable type can be null.
    assert!(Nullable(StringSerde).is_null(&None));
    assert!(!Nullable(StringSerde).is_null(&Some(String::new())));
    assert!(!StringSerde.is_null(&String::new()));
    let shared: SharedSerde<Option<i64>> = Arc::new(Nullable(LongSerde));
    assert!(shared.is_null(&None));
    assert!(!shared.is_null(&Some(0)));
}
