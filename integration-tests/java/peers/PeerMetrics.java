import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * What the metrics peers share: client properties from {@code key=value} arguments, and the
 * table of metrics the Rust side parses ({@code parse_metrics_table}).
 */
final class PeerMetrics {
    private PeerMetrics() {
    }

    /** Sets each {@code key=value} argument from index {@code from} on; exits 2 on any other. */
    static void setProperties(Properties props, String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                System.err.println("not a key=value property: " + args[i]);
                System.exit(2);
            }
            props.setProperty(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
    }

    /**
     * Every metric of {@code groups}, one per line: group TAB name TAB tags (k=v sorted by key,
     * joined by ",") TAB value TAB description.
     */
    static String table(Map<MetricName, ? extends Metric> metrics, Set<String> groups) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName n = e.getKey();
            if (!groups.contains(n.group())) {
                continue;
            }
            StringBuilder tags = new StringBuilder();
            for (Map.Entry<String, String> t : new TreeMap<>(n.tags()).entrySet()) {
                if (tags.length() > 0) {
                    tags.append(',');
                }
                tags.append(t.getKey()).append('=').append(t.getValue());
            }
            out.append(n.group()).append('\t').append(n.name()).append('\t').append(tags).append('\t')
                    .append(e.getValue().metricValue()).append('\t').append(n.description()).append('\n');
        }
        return out.toString();
    }
}
