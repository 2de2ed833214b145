import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Kafka's own admin client's metrics, for comparison with ours (admin_metrics test).
 *
 * <pre>
 * AdminMetricsPeer BOOTSTRAP [key=value admin properties...]
 *   describes the cluster, then prints every metric of groups admin-client-metrics and
 *   admin-client-node-metrics in the format of PeerMetrics.table
 * </pre>
 * Exit status 0 on success; 2 on bad arguments.
 */
public final class AdminMetricsPeer {
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: AdminMetricsPeer BOOTSTRAP [k=v...]");
            System.exit(2);
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        PeerMetrics.setProperties(props, args, 1);
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().nodes().get();
            System.out.print(PeerMetrics.table(admin.metrics(),
                    Set.of("admin-client-metrics", "admin-client-node-metrics", "kafka-metrics-count")));
        }
    }
}
