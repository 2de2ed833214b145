//! `kafka_struct!`: the schema language message files are written in. See `MESSAGES.md`.
//!
//! A field line reads
//! `pub name: Type = versions(R) [nullable(R)] [tag(N)] [ignorable(true)] [default(EXPR)],`
//! where each `R` is a Rust range over `i16` versions (`0..`, `3..=7`). Helper rules prefixed
//! `@` expand one field at a time; a field with a `tag` is skipped by the regular-field rules
//! and handled by the tagged-section rules instead.

macro_rules! kafka_struct {
    (
        $(#[$smeta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                pub $field:ident : $ty:ty = versions($($v:tt)+)
                    $(nullable($($nv:tt)+))?
                    $(tag($tag:literal))?
                    $(ignorable($ign:literal))?
                    $(default($def:expr))?
            ),* $(,)?
        }
    ) => {
        $(#[$smeta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
            /// Tagged fields this crate does not know, kept so they survive a round trip.
            pub unknown_tagged_fields: Vec<$crate::primitives::RawTaggedField>,
        }

        impl Default for $name {
            fn default() -> Self {
                Self {
                    $( $field: kafka_struct!(@default $($def)?), )*
                    unknown_tagged_fields: Vec::new(),
                }
            }
        }

        impl $name {
            #[allow(unused_variables, unused_mut, clippy::needless_update)]
            pub(crate) fn decode_body(
                buf: &mut ::bytes::Bytes,
                cx: $crate::schema::Ctx,
            ) -> Result<Self, $crate::error::DecodeError> {
                let mut this = Self::default();
                $(
                    kafka_struct!(@read [$($tag)?] this, buf, cx, $name, $field,
                        ($($v)+), [$($($nv)+)?]);
                )*
                if cx.flexible {
                    let mut unknown = Vec::new();
                    $crate::primitives::read_tagged_fields(
                        buf,
                        stringify!($name),
                        &mut unknown,
                        |tag, data| {
                            $(
                                kafka_struct!(@read_tagged [$($tag)?] this, tag, data, cx,
                                    $name, $field, ($($v)+), [$($($nv)+)?]);
                            )*
                            Ok(false)
                        },
                    )?;
                    this.unknown_tagged_fields = unknown;
                }
                Ok(this)
            }

            #[allow(unused_variables)]
            pub(crate) fn encode_body(
                &self,
                buf: &mut ::bytes::BytesMut,
                cx: $crate::schema::Ctx,
            ) -> Result<(), $crate::error::EncodeError> {
                $(
                    kafka_struct!(@write [$($tag)?] self, buf, cx, $name, $field,
                        ($($v)+), [$($($nv)+)?], [$($ign)?], kafka_struct!(@default $($def)?));
                )*
                let mut tagged: Vec<(u32, ::bytes::BytesMut)> = Vec::new();
                $(
                    kafka_struct!(@write_tagged [$($tag)?] self, tagged, cx, $name, $field,
                        ($($v)+), [$($($nv)+)?], [$($ign)?], kafka_struct!(@default $($def)?));
                )*
                if cx.flexible {
                    $crate::schema::write_tagged_section(buf, &mut tagged, &self.unknown_tagged_fields)?;
                } else if !self.unknown_tagged_fields.is_empty() {
                    return Err($crate::error::EncodeError::TaggedFieldsNotSupported {
                        message: stringify!($name),
                        version: cx.version,
                    });
                }
                Ok(())
            }

            #[allow(unused_variables)]
            pub(crate) fn inspect_body(&self, version: i16) -> $crate::schema::Value {
                let mut out: Vec<(&'static str, $crate::schema::Value)> = Vec::new();
                $(
                    if ($($v)+).contains(&version) {
                        out.push((
                            stringify!($field),
                            $crate::schema::Field::inspect(&self.$field, version),
                        ));
                    }
                )*
                $crate::schema::Value::Struct(out)
            }
        }

        impl $crate::schema::Field for $name {
            #[inline]
            fn read(
                buf: &mut ::bytes::Bytes,
                cx: $crate::schema::Ctx,
                _: bool,
            ) -> Result<Self, $crate::error::DecodeError> {
                Self::decode_body(buf, cx)
            }
            #[inline]
            fn write(
                &self,
                buf: &mut ::bytes::BytesMut,
                cx: $crate::schema::Ctx,
                _: bool,
            ) -> Result<(), $crate::error::EncodeError> {
                self.encode_body(buf, cx)
            }
            fn inspect(&self, version: i16) -> $crate::schema::Value {
                self.inspect_body(version)
            }
            #[allow(unused_variables)]
            fn sample(g: &mut $crate::schema::Sampler, cx: $crate::schema::Ctx, _: bool) -> Self {
                let mut this = Self::default();
                $(
                    if ($($v)+).contains(&cx.version) {
                        this.$field = $crate::schema::Field::sample(
                            g,
                            cx,
                            kafka_struct!(@nullable cx [$($($nv)+)?]),
                        );
                    }
                )*
                if cx.flexible && g.one_in(4) {
                    // Above every tag Kafka has assigned, so it stays unknown.
                    this.unknown_tagged_fields.push($crate::primitives::RawTaggedField {
                        tag: 10_000 + g.below(100) as u32,
                        data: ::bytes::Bytes::from(g.bytes()),
                    });
                }
                this
            }
        }

        /// A nullable struct field is a marker byte (-1 null, 1 present) before the struct.
        impl $crate::schema::Nullable for $name {
            fn read_nullable(
                buf: &mut ::bytes::Bytes,
                cx: $crate::schema::Ctx,
            ) -> Result<Option<Self>, $crate::error::DecodeError> {
                let marker = $crate::primitives::read_i8(buf, "struct presence marker")?;
                if marker < 0 {
                    Ok(None)
                } else {
                    Self::decode_body(buf, cx).map(Some)
                }
            }
            fn write_null(
                buf: &mut ::bytes::BytesMut,
                _: $crate::schema::Ctx,
            ) -> Result<(), $crate::error::EncodeError> {
                ::bytes::BufMut::put_i8(buf, -1);
                Ok(())
            }
            fn write_present(
                &self,
                buf: &mut ::bytes::BytesMut,
                cx: $crate::schema::Ctx,
            ) -> Result<(), $crate::error::EncodeError> {
                ::bytes::BufMut::put_i8(buf, 1);
                self.encode_body(buf, cx)
            }
        }
    };

    (@default) => { Default::default() };
    (@default $def:expr) => { $def };

    (@nullable $cx:ident []) => { false };
    (@nullable $cx:ident [$($nv:tt)+]) => { ($($nv)+).contains(&$cx.version) };

    (@ignorable []) => { false };
    (@ignorable [$ign:literal]) => { $ign };

    // Regular fields, in order.
    (@read [] $this:ident, $buf:ident, $cx:ident, $name:ident, $field:ident,
        ($($v:tt)+), [$($nv:tt)*]) => {
        if ($($v)+).contains(&$cx.version) {
            $this.$field = $crate::schema::Field::read(
                $buf,
                $cx,
                kafka_struct!(@nullable $cx [$($nv)*]),
            )
            .map_err(|e| e.in_field(stringify!($name), stringify!($field)))?;
        }
    };
    (@read [$tag:literal] $($rest:tt)*) => {};

    (@read_tagged [] $($rest:tt)*) => {};
    (@read_tagged [$tag:literal] $this:ident, $t:ident, $data:ident, $cx:ident, $name:ident,
        $field:ident, ($($v:tt)+), [$($nv:tt)*]) => {
        if $t == $tag && ($($v)+).contains(&$cx.version) {
            $this.$field = $crate::schema::Field::read(
                $data,
                $cx,
                kafka_struct!(@nullable $cx [$($nv)*]),
            )
            .map_err(|e| e.in_field(stringify!($name), stringify!($field)))?;
            return Ok(true);
        }
    };

    (@write [] $self:ident, $buf:ident, $cx:ident, $name:ident, $field:ident,
        ($($v:tt)+), [$($nv:tt)*], [$($ign:tt)*], $def:expr) => {
        if ($($v)+).contains(&$cx.version) {
            $crate::schema::Field::write(
                &$self.$field,
                $buf,
                $cx,
                kafka_struct!(@nullable $cx [$($nv)*]),
            )
            .map_err(|e| $crate::schema::name_encode_error(e, stringify!($name), stringify!($field), $cx))?;
        } else if !kafka_struct!(@ignorable [$($ign)*]) && $crate::schema::differs(&$self.$field, $def) {
            return Err($crate::error::EncodeError::FieldNotInVersion {
                message: stringify!($name),
                field: stringify!($field),
                version: $cx.version,
            });
        }
    };
    (@write [$tag:literal] $($rest:tt)*) => {};

    (@write_tagged [] $($rest:tt)*) => {};
    (@write_tagged [$tag:literal] $self:ident, $tagged:ident, $cx:ident, $name:ident,
        $field:ident, ($($v:tt)+), [$($nv:tt)*], [$($ign:tt)*], $def:expr) => {
        if $crate::schema::differs(&$self.$field, $def) {
            if $cx.flexible && ($($v)+).contains(&$cx.version) {
                let mut tmp = ::bytes::BytesMut::new();
                $crate::schema::Field::write(
                    &$self.$field,
                    &mut tmp,
                    $cx,
                    kafka_struct!(@nullable $cx [$($nv)*]),
                )
                .map_err(|e| $crate::schema::name_encode_error(e, stringify!($name), stringify!($field), $cx))?;
                $tagged.push(($tag, tmp));
            } else if !kafka_struct!(@ignorable [$($ign)*]) {
                return Err($crate::error::EncodeError::FieldNotInVersion {
                    message: stringify!($name),
                    field: stringify!($field),
                    version: $cx.version,
                });
            }
        }
    };
}

/// Implements [`crate::message::Message`] for a top-level struct declared with `kafka_struct!`.
///
/// `flexible` is the first flexible version, or `None` when no version is flexible.
macro_rules! kafka_message {
    ($name:ident, api_key = $key:literal, versions = $min:literal ..= $max:literal, flexible = $flex:expr) => {
        impl $crate::message::Message for $name {
            const API_KEY: i16 = $key;
            const MIN_VERSION: i16 = $min;
            const MAX_VERSION: i16 = $max;
            const FLEXIBLE_MIN: Option<i16> = $flex;
            const NAME: &'static str = stringify!($name);

            fn encode(
                &self,
                buf: &mut ::bytes::BytesMut,
                version: i16,
            ) -> Result<(), $crate::error::EncodeError> {
                let cx = <Self as $crate::message::Message>::encode_ctx(version)?;
                self.encode_body(buf, cx)
            }

            fn decode(
                buf: &mut ::bytes::Bytes,
                version: i16,
            ) -> Result<Self, $crate::error::DecodeError> {
                let cx = <Self as $crate::message::Message>::decode_ctx(version)?;
                Self::decode_body(buf, cx)
            }

            fn inspect(&self, version: i16) -> $crate::schema::Value {
                self.inspect_body(version)
            }
        }
    };
}

/// Declares which response answers a request.
macro_rules! kafka_request {
    ($req:ident => $resp:path) => {
        impl $crate::message::Request for $req {
            type Response = $resp;
        }
    };
}
