// Drives Java's BuiltInPartitioner (the KIP-794 sticky partitioner) through scripted scenarios for
// the Rust test sticky_vectors.rs. It lives in the partitioner's package to reach the
// package-private calls the RecordAccumulator makes, and overrides the random draw so each draw
// can be printed and replayed on the Rust side. Output lines:
//   T <partition count> <ids of partitions with a leader, csv, or -> <batch size> <rack aware>
//     <ids of partitions whose leader is in the client's rack "r1", csv, or ->    (new scenario)
//   L <queue sizes csv> <partition ids csv> <length> <leader in rack r1: 1/0 csv> (load stats)
//   A <bytes> <enable switch> <sticky partition before the append> <draws csv or ->
package org.apache.kafka.clients.producer.internals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.utils.internals.LogContext;
import org.apache.kafka.common.utils.Utils;

public class StickyVectors {
    static final StringBuilder OUT = new StringBuilder();

    static class Scripted extends BuiltInPartitioner {
        final Random random;
        final List<Integer> draws = new ArrayList<>();

        Scripted(int batchSize, long seed, boolean rackAware) {
            super(new LogContext(), "t", batchSize, rackAware, "r1");
            random = new Random(seed);
        }

        @Override
        int randomPartition() {
            int r = Utils.toPositive(random.nextInt());
            draws.add(r);
            return r;
        }
    }

    static final Node[] NODES = {
        new Node(0, "localhost", 9092, "r1"), new Node(1, "localhost", 9093, "r2"), new Node(2, "localhost", 9094),
    };

    static Cluster cluster(int count, int[] leader, int batchSize, boolean rackAware) {
        List<PartitionInfo> partitions = new ArrayList<>();
        StringBuilder available = new StringBuilder();
        StringBuilder local = new StringBuilder();
        for (int p = 0; p < count; p++) {
            Node node = leader[p] < 0 ? null : NODES[leader[p]];
            partitions.add(new PartitionInfo("t", p, node, NODES, NODES));
            if (node != null) {
                available.append(available.length() == 0 ? "" : ",").append(p);
                if (leader[p] == 0) {
                    local.append(local.length() == 0 ? "" : ",").append(p);
                }
            }
        }
        OUT.append("T ").append(count).append(' ').append(available.length() == 0 ? "-" : available)
           .append(' ').append(batchSize).append(' ').append(rackAware).append(' ')
           .append(local.length() == 0 ? "-" : local).append('\n');
        return new Cluster("c", List.of(NODES), partitions, Collections.emptySet(), Collections.emptySet());
    }

    static String csv(int[] values, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(i == 0 ? "" : ",").append(values[i]);
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    static void append(Scripted bip, Cluster cluster, int bytes, boolean enableSwitch) {
        bip.draws.clear();
        BuiltInPartitioner.StickyPartitionInfo info = bip.peekCurrentPartitionInfo(cluster);
        int partition = info.partition();
        bip.updatePartitionInfo(info, bytes, cluster, enableSwitch);
        StringBuilder draws = new StringBuilder();
        for (int d : bip.draws) {
            draws.append(draws.length() == 0 ? "" : ",").append(d);
        }
        OUT.append("A ").append(bytes).append(' ').append(enableSwitch).append(' ').append(partition)
           .append(' ').append(draws.length() == 0 ? "-" : draws).append('\n');
    }

    static void load(Scripted bip, int[] queues, int[] ids, String[] racks, int length) {
        int[] local = new int[racks.length];
        for (int i = 0; i < racks.length; i++) {
            local[i] = "r1".equals(racks[i]) ? 1 : 0;
        }
        OUT.append("L ").append(csv(queues, queues.length)).append(' ').append(csv(ids, ids.length))
           .append(' ').append(length).append(' ').append(csv(local, local.length)).append('\n');
        bip.updatePartitionLoadStats(queues.clone(), ids.clone(), racks.clone(), length);
    }

    public static void main(String[] args) {
        Random script = new Random(794);
        for (int scenario = 0; scenario < 80; scenario++) {
            // Scenarios 40..79 are rack-aware (KIP-1123) with the client in rack r1.
            boolean rackAware = scenario >= 40;
            int count = 1 + script.nextInt(12);
            int[] leader = new int[count];
            boolean[] hasLeader = new boolean[count];
            int leaders = 0;
            for (int p = 0; p < count; p++) {
                hasLeader[p] = scenario % 3 != 0 || script.nextInt(4) != 0;
                // Leaders spread over racks r1, r2 and a node without a rack.
                leader[p] = hasLeader[p] ? script.nextInt(3) : -1;
                leaders += hasLeader[p] ? 1 : 0;
            }
            int batchSize = 1 + script.nextInt(2000);
            Cluster cluster = cluster(count, leader, batchSize, rackAware);
            Scripted bip = new Scripted(batchSize, scenario, rackAware);
            for (int step = 0; step < 300; step++) {
                if (scenario % 2 == 1 && step % 25 == 0 && leaders > 0) {
                    // Adaptive: queue sizes of the partitions with a leader, sometimes with the
                    // slowest excluded (length < number of entries), as RecordAccumulator does.
                    int[] ids = new int[leaders];
                    int[] queues = new int[leaders];
                    String[] racks = new String[leaders];
                    for (int p = 0, i = 0; p < count; p++) {
                        if (hasLeader[p]) {
                            ids[i] = p;
                            racks[i] = NODES[leader[p]].rack();
                            queues[i++] = script.nextInt(6);
                        }
                    }
                    int length = script.nextInt(3) == 0 ? Math.max(1, leaders - 1) : leaders;
                    load(bip, queues, ids, racks, length);
                }
                append(bip, cluster, script.nextInt(batchSize + 200), script.nextInt(5) != 0);
            }
        }
        System.out.print(OUT);
    }
}
