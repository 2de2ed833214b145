#!/usr/bin/env python3
"""Transcribe Kafka message JSON specs into this crate's `kafka_struct!` schema language.

A one-off authoring aid, not part of the build: its output is reviewed and committed under
src/messages/, and from then on the Rust files are the source of truth (see MESSAGES.md).

Usage: transcribe.py NEW_SPEC_DIR OLD_SPEC_DIR OUT_DIR Name [Name...]
  NEW_SPEC_DIR  common/message from the newest kafka-clients jar (4.4.0)
  OLD_SPEC_DIR  common/message from the 3.9.1 jar, for versions 4.x brokers dropped
Versions: min over both jars, max = newest jar's max (minus an unstable latest version).
For versions below the new jar's minimum the old jar's field definitions are used.
"""
import json, os, re, sys

PRIMS = {
    'int8': 'i8', 'int16': 'i16', 'int32': 'i32', 'int64': 'i64', 'uint16': 'u16',
    'uint32': 'u32', 'float64': 'f64', 'bool': 'bool', 'uuid': 'Uuid', 'string': 'String',
    'bytes': 'Bytes', 'records': 'Bytes',
}
KEYWORDS = {'type', 'match', 'ref', 'move', 'mod', 'use', 'fn', 'struct', 'enum', 'impl', 'loop', 'where', 'self', 'super', 'crate'}
INF = 10**6


def load(path):
    if not os.path.exists(path):
        return None
    s = open(path).read()
    s = re.sub(r'^\s*//.*$', '', s, flags=re.M)
    return json.loads(s)


def vrange(s):
    """'3+' -> (3, INF); '1-4' -> (1, 4); '2' -> (2, 2); 'none' -> None."""
    if s is None or s == 'none':
        return None
    if s.endswith('+'):
        return (int(s[:-1]), INF)
    if '-' in s:
        a, b = s.split('-')
        return (int(a), int(b))
    return (int(s), int(s))


def clip(r, lo, hi):
    if r is None:
        return None
    a, b = max(r[0], lo), min(r[1], hi)
    return (a, b) if a <= b else None


def union(r1, r2):
    """Union of two ranges that must touch; None if disjoint."""
    if r1 is None:
        return r2
    if r2 is None:
        return r1
    a, b = sorted([r1, r2])
    if b[0] > a[1] + 1:
        raise ValueError(f'disjoint ranges {r1} {r2}')
    return (a[0], max(a[1], b[1]))


def rust_range(r):
    a, b = r
    return f'{a}..' if b >= INF else f'{a}..={b}'


def snake(name):
    s = re.sub(r'([A-Z]+)([A-Z][a-z])', r'\1_\2', name)
    s = re.sub(r'([a-z0-9])([A-Z])', r'\1_\2', s).lower()
    return 'r#' + s if s in KEYWORDS else s


def doc(text, indent):
    text = ' '.join((text or '').split())
    if not text:
        return []
    out, line = [], ''
    for w in text.split(' '):
        if len(line) + len(w) + 1 > 92 - indent:
            out.append(line)
            line = w
        else:
            line = f'{line} {w}' if line else w
    out.append(line)
    return [' ' * indent + '/// ' + l.replace('[', '\\[').replace(']', '\\]') for l in out]


class Merger:
    def __init__(self, new, old, split):
        self.new, self.old, self.split = new, old, split
        self.structs = {}  # name -> list of merged fields
        self.order = []
        self.common_new = {c['name']: c for c in (new or {}).get('commonStructs', [])}
        self.common_old = {c['name']: c for c in (old or {}).get('commonStructs', [])}

    def field_versions(self, fn, fo, key):
        # Versions >= split come from the new spec, below from the old one.
        rn = clip(vrange(fn.get(key)), self.split, INF) if fn else None
        ro = clip(vrange(fo.get(key)), 0, self.split - 1) if fo else None
        return union(rn, ro)

    def merge_fields(self, struct_name, fnew, fold, about):
        if struct_name in self.structs:
            return
        self.structs[struct_name] = None
        names_new = [f['name'] for f in fnew]
        by_old = {f['name']: f for f in fold}
        merged = []
        for f in fnew:
            merged.append((f, by_old.get(f['name'])))
        # Fields only the old spec has: insert after their old predecessor.
        for i, f in enumerate(fold):
            if f['name'] in names_new:
                continue
            pos = 0
            for j in range(i - 1, -1, -1):
                prev = fold[j]['name']
                idx = [k for k, (a, b) in enumerate(merged) if (a or b)['name'] == prev]
                if idx:
                    pos = idx[0] + 1
                    break
            merged.insert(pos, (None, f))
        out = []
        for fn, fo in merged:
            f = fn or fo
            if fn and fo and fn['type'] != fo['type']:
                raise ValueError(f'{struct_name}.{f["name"]}: type changed {fo["type"]} -> {fn["type"]}')
            versions = self.field_versions(fn, fo, 'versions')
            if versions is None:
                continue
            nullable = self.field_versions(fn, fo, 'nullableVersions')
            tagged = self.field_versions(fn, fo, 'taggedVersions')
            tag = f.get('tag')
            if tag is not None and tagged != versions:
                raise ValueError(f'{struct_name}.{f["name"]}: tagged {tagged} != versions {versions}')
            t = f['type']
            elem = t[2:] if t.startswith('[]') else t
            if elem not in PRIMS:
                sub_new = (fn or {}).get('fields') if fn else None
                sub_old = (fo or {}).get('fields') if fo else None
                if sub_new is None and fn is not None:
                    sub_new = self.common_new.get(elem, {}).get('fields')
                if sub_old is None and fo is not None:
                    sub_old = self.common_old.get(elem, {}).get('fields')
                self.merge_fields(elem, sub_new or [], sub_old or [], f.get('about'))
            out.append(dict(spec=f, versions=versions, nullable=nullable, tag=tag,
                            ignorable=bool(f.get('ignorable')), elem=elem, array=t.startswith('[]')))
        self.structs[struct_name] = (about, out)
        self.order.append(struct_name)


def rust_type(fd):
    elem = PRIMS.get(fd['elem'], fd['elem'])
    t = f'Vec<{elem}>' if fd['array'] else elem
    if fd['nullable'] is not None:
        t = f'Option<{t}>'
    return t


def rust_default(fd):
    spec = fd['spec']
    d = spec.get('default')
    d = None if d is None else (str(d).lower() if isinstance(d, bool) else str(d))
    t = fd['elem']
    nullable = fd['nullable'] is not None
    if d == 'null':
        return 'None'
    if fd['array']:
        inner = None
    elif t in ('int8', 'int16', 'int32', 'int64', 'uint16', 'uint32'):
        inner = None if d in (None, '0') else str(int(d, 0))
    elif t == 'float64':
        inner = None if d in (None, '0', '0.0') else repr(float(d))
    elif t == 'bool':
        inner = None if d in (None, 'false') else d
    elif t == 'string':
        inner = None if not d else f'String::from({json.dumps(d)})'
    elif t == 'records':
        return None if nullable else None
    elif t == 'uuid' or t == 'bytes':
        inner = None
        if d:
            raise ValueError(f'unsupported default {d} for {t}')
    else:
        inner = None
    if nullable:
        if t == 'records':
            return None
        return f'Some({inner or "Default::default()"})'
    return inner


def emit(merger, top_name, top_about, api_key, vmin, vmax, flex, kind, resp_name, src_note):
    lines = [f'//! {top_name} (API key {api_key}), versions {vmin}-{vmax}.',
             '//!', f'//! Transcribed from {src_note}; see MESSAGES.md.', '',
             '__IMPORTS__']
    for name in reversed(merger.order):
        about, fields = merger.structs[name]
        if name == top_name:
            lines += doc(top_about, 4)[0:0]
        lines.append('kafka_struct! {')
        if name == top_name:
            lines += doc(top_about or top_name, 4)
        else:
            lines += doc(about or name, 4)
        lines.append(f'    pub struct {name} {{')
        for fd in fields:
            lines += doc(fd['spec'].get('about'), 8)
            parts = [f'pub {snake(fd["spec"]["name"])}: {rust_type(fd)} = versions({rust_range(fd["versions"])})']
            if fd['nullable'] is not None:
                parts.append(f'nullable({rust_range(fd["nullable"])})')
            if fd['tag'] is not None:
                parts.append(f'tag({fd["tag"]})')
            if fd['ignorable']:
                parts.append('ignorable(true)')
            dflt = rust_default(fd)
            if dflt is not None:
                parts.append(f'default({dflt})')
            lines.append('        ' + ' '.join(parts) + ',')
        lines.append('    }')
        lines.append('}')
        lines.append('')
    flex_s = 'None' if flex is None else f'Some({flex})'
    lines.append(f'kafka_message!({top_name}, api_key = {api_key}, versions = {vmin}..={vmax}, flexible = {flex_s});')
    if kind == 'request':
        lines.append(f'kafka_request!({top_name} => super::{resp_name});')
    lines.append('')
    body = '\n'.join(lines)
    imports = []
    if re.search(r'\bBytes\b', body.split('__IMPORTS__')[1]):
        imports.append('use bytes::Bytes;')
    if re.search(r'\bUuid\b', body.split('__IMPORTS__')[1]):
        imports.append('use crate::Uuid;')
    return body.replace('__IMPORTS__', '\n'.join(imports) + ('\n' if imports else ''))


def main():
    new_dir, old_dir, out_dir, *names = sys.argv[1:]
    mods = []
    for base in names:
        specs = {}
        for kind in ('Request', 'Response'):
            new = load(os.path.join(new_dir, f'{base}{kind}.json'))
            old = load(os.path.join(old_dir, f'{base}{kind}.json'))
            specs[kind] = (new, old)
        nreq = specs['Request'][0]
        vn = vrange(nreq['validVersions'])
        vmax = vn[1] - (1 if nreq.get('latestVersionUnstable') else 0)
        vmin = vn[0]
        oreq = specs['Request'][1]
        if oreq:
            vmin = min(vmin, vrange(oreq['validVersions'])[0])
        split = vn[0]
        for kind in ('Request', 'Response'):
            new, old = specs[kind]
            name = f'{base}{kind}'
            fl = vrange(new.get('flexibleVersions'))
            if old and vmin < split:
                flo = vrange(old.get('flexibleVersions'))
                if fl and flo and flo[0] != fl[0] and flo[0] < split:
                    raise ValueError(f'{name}: flexible versions differ')
            m = Merger(new, old if (old and vmin < split) else None, split)
            m.merge_fields(name, new['fields'], (old['fields'] if (old and vmin < split) else []), None)
            note = 'the kafka-clients 4.4.0 JSON schema' + (' (versions below %d from 3.9.1)' % split if vmin < split else '')
            src = emit(m, name, f'The {base} {kind.lower()} (API key {new["apiKey"]}).', new['apiKey'], vmin, vmax,
                       fl[0] if fl else None, kind.lower(), f'{base}Response', note)
            mod = snake(name).replace('r#', '')
            with open(os.path.join(out_dir, mod + '.rs'), 'w') as fh:
                fh.write(src)
            mods.append((mod, name, new['apiKey'], vmin, vmax, fl[0] if fl else None, kind))
    for m in mods:
        print('\t'.join(str(x) for x in m))


if __name__ == '__main__':
    main()
