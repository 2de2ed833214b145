//! Client metrics as comparable rows, for tests that hold our clients' metrics against the Java
//! clients' (`MetricsPeer`, `ConsumerMetricsPeer` print theirs one per line).

use std::collections::BTreeMap;

/// Metrics by `(group, name, tags)`, each with its value and description.
pub type MetricsTable = BTreeMap<(String, String, BTreeMap<String, String>), (f64, String)>;

/// Reads the peers' lines: group, name, tags (`k=v` joined by `,`), value and description,
/// separated by tabs. A value Java prints as `NaN` (or anything not a number) reads as NaN.
///
/// ```
/// let t = integration_tests::parse_metrics_table(
///     "producer-metrics\trecord-send-total\tclient-id=p\t42.0\tThe total number of records sent.\n",
/// );
/// let ((group, name, tags), (value, _)) = t.iter().next().unwrap();
/// assert_eq!((group.as_str(), name.as_str(), tags["client-id"].as_str(), *value), ("producer-metrics", "record-send-total", "p", 42.0));
/// ```
pub fn parse_metrics_table(out: &str) -> MetricsTable {
    out.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.splitn(5, '\t').collect();
            let [group, name, tags, value, description] = f[..] else {
                return None;
            };
            let tags = tags
                .split(',')
                .filter_map(|t| t.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            Some((
                (group.to_owned(), name.to_owned(), tags),
                (value.parse().unwrap_or(f64::NAN), description.to_owned()),
            ))
        })
        .collect()
}
