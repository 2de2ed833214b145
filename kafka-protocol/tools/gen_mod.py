#!/usr/bin/env python3
"""Writes src/messages/mod.rs from the TSV that transcribe.py prints (module, type, key, min, max, flexible, kind)."""
import sys
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l.strip()]
out = ['//! Request and response bodies, one module per message, declared with `kafka_struct!`.',
       '//!', '//! Top-level types are re-exported here; nested structs live in their message\'s module',
       '//! (`messages::fetch_request::FetchTopic`). [`API_VERSIONS`] lists every API this crate',
       '//! implements with its version range, for version negotiation and the drift test.', '']
out.append('pub mod drift;')
for mod, name, *_ in rows:
    out.append(f'pub mod {mod};')
out.append('')
for mod, name, *_ in rows:
    out.append(f'pub use {mod}::{name};')
out += ['', '/// One API this crate implements: key, name and the versions of its request schema.',
        '#[derive(Debug, Clone, Copy, PartialEq, Eq)]', 'pub struct ApiInfo {',
        '    /// The API key.', '    pub api_key: i16,', '    /// The API name as Kafka spells it (`Fetch`).', '    pub name: &\'static str,',
        '    /// The oldest version implemented.', '    pub min_version: i16,', '    /// The newest version implemented.', '    pub max_version: i16,',
        '    /// The first flexible version, if any.', '    pub flexible_min: Option<i16>,', '}', '',
        '/// Every API this crate implements, in API-key order.', 'pub const API_VERSIONS: &[ApiInfo] = &[']
reqs = sorted([r for r in rows if r[6] == 'Request'], key=lambda r: int(r[2]))
for mod, name, key, vmin, vmax, flex, kind in reqs:
    fl = 'None' if flex == 'None' else f'Some({flex})'
    out.append(f'    ApiInfo {{ api_key: {key}, name: "{name[:-len("Request")]}", min_version: {vmin}, max_version: {vmax}, flexible_min: {fl} }},')
out += ['];', '', '/// The entry for `api_key`, if this crate implements it.',
        'pub fn api_info(api_key: i16) -> Option<&\'static ApiInfo> {',
        '    API_VERSIONS.iter().find(|a| a.api_key == api_key)', '}', '']
# A macro that lists every (request, response) pair, for generic tests and dispatch.
out += ['/// Calls `$m!` once with every `(api key, request type, response type)`; used by tests and',
        '/// the fuzz target to visit every message generically.', '#[macro_export]', 'macro_rules! for_each_api {',
        '    ($m:ident) => {']
for mod, name, key, vmin, vmax, flex, kind in reqs:
    base = name[:-len('Request')]
    out.append(f'        $m!({key}, $crate::messages::{base}Request, $crate::messages::{base}Response);')
out += ['    };', '}', '']
open(sys.argv[2], 'w').write('\n'.join(out))
