import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What Kafka's own consumer tells its rebalance listener when it leaves its group, for
 * comparison with ours (consumer_leave_callbacks test).
 *
 * <pre>
 * LeavePeer BOOTSTRAP GROUP TOPIC PARTITIONS MODE [key=value consumer properties...]
 *   subscribes GROUP to TOPIC with a listener that prints one line per callback
 *   ("assigned 0,1", "revoked 0,1", "lost 0,1": the partition numbers, sorted), polls until it
 *   owns PARTITIONS partitions, then with MODE
 *     close        closes;
 *     unsubscribe  unsubscribes, then closes;
 *     stall        stops polling until the group has no members (the consumer left on
 *                  max.poll.interval.ms; read with an Admin client), then closes;
 *     stall-unsubscribe  the same, then unsubscribes and closes;
 *     rebalance-fail  (classic only) uses {@link FailingAssignor}, grows TOPIC to
 *                  2 x PARTITIONS partitions, polls until a poll fails (the rebalance that
 *                  follows fails on this member, its leader), prints "poll failed", closes.
 *   Prints "closed" last.
 * </pre>
 * Exit status 0 on success; 2 on bad arguments; 3 when the partitions did not arrive or the
 * member did not leave within 60 s.
 */
public final class LeavePeer {
    private static String numbers(Collection<TopicPartition> partitions) {
        return partitions.stream()
                .map(TopicPartition::partition)
                .sorted()
                .map(String::valueOf)
                .collect(Collectors.joining(","));
    }

    /**
     * An assignor whose first assignment gives every partition to the first member (by member
     * id) and whose later ones fail: the rebalance after the first ends with the leader's
     * poll failing mid-round.
     */
    public static final class FailingAssignor implements ConsumerPartitionAssignor {
        private static final AtomicInteger CALLS = new AtomicInteger();

        @Override
        public String name() {
            return "failing-after-first";
        }

        @Override
        public List<RebalanceProtocol> supportedProtocols() {
            return List.of(RebalanceProtocol.EAGER, RebalanceProtocol.COOPERATIVE);
        }

        @Override
        public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
            if (CALLS.getAndIncrement() > 0) {
                throw new IllegalStateException("fails after the first assignment");
            }
            Map<String, Subscription> subscriptions = groupSubscription.groupSubscription();
            String first = new TreeSet<>(subscriptions.keySet()).first();
            Map<String, Assignment> out = new HashMap<>();
            for (String member : subscriptions.keySet()) {
                out.put(member, new Assignment(new ArrayList<>()));
            }
            List<TopicPartition> all = new ArrayList<>();
            for (String topic : new TreeSet<>(subscriptions.get(first).topics())) {
                Integer count = metadata.partitionCountForTopic(topic);
                for (int p = 0; p < (count == null ? 0 : count); p++) {
                    all.add(new TopicPartition(topic, p));
                }
            }
            out.put(first, new Assignment(all));
            return new GroupAssignment(out);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5
                || !List.of("close", "unsubscribe", "stall", "stall-unsubscribe", "rebalance-fail")
                        .contains(args[4])) {
            System.err.println("usage: LeavePeer BOOTSTRAP GROUP TOPIC PARTITIONS"
                    + " close|unsubscribe|stall|stall-unsubscribe|rebalance-fail [k=v...]");
            System.exit(2);
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, args[1]);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        if (args[4].equals("rebalance-fail")) {
            props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, FailingAssignor.class.getName());
            props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
        }
        PeerMetrics.setProperties(props, args, 5);
        int want = Integer.parseInt(args[3]);
        ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                System.out.println("revoked " + numbers(partitions));
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                System.out.println("assigned " + numbers(partitions));
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                System.out.println("lost " + numbers(partitions));
            }
        };
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(args[2]), listener);
            long deadline = System.currentTimeMillis() + 60_000;
            while (consumer.assignment().size() < want) {
                if (System.currentTimeMillis() > deadline) {
                    System.err.println("owns " + consumer.assignment() + ", not " + want + " partitions");
                    System.exit(3);
                }
                consumer.poll(Duration.ofMillis(100));
            }
            switch (args[4]) {
                case "unsubscribe":
                    consumer.unsubscribe();
                    break;
                case "stall":
                case "stall-unsubscribe":
                    Properties adminProps = new Properties();
                    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
                    try (Admin admin = Admin.create(adminProps)) {
                        while (true) {
                            if (System.currentTimeMillis() > deadline + 60_000) {
                                System.err.println("the member did not leave the group");
                                System.exit(3);
                            }
                            ConsumerGroupDescription d = admin
                                    .describeConsumerGroups(List.of(args[1]))
                                    .describedGroups().get(args[1]).get();
                            if (d.members().isEmpty()) {
                                break;
                            }
                            Thread.sleep(100);
                        }
                    }
                    if (args[4].equals("stall-unsubscribe")) {
                        consumer.unsubscribe();
                    }
                    break;
                case "rebalance-fail":
                    Properties growProps = new Properties();
                    growProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
                    try (Admin admin = Admin.create(growProps)) {
                        admin.createPartitions(Map.of(args[2], NewPartitions.increaseTo(2 * want)))
                                .all().get();
                    }
                    boolean failed = false;
                    while (!failed) {
                        if (System.currentTimeMillis() > deadline + 60_000) {
                            System.err.println("no poll failed");
                            System.exit(3);
                        }
                        try {
                            consumer.poll(Duration.ofMillis(100));
                        } catch (RuntimeException e) {
                            System.out.println("poll failed");
                            failed = true;
                        }
                    }
                    break;
                default:
                    break;
            }
        }
        System.out.println("closed");
    }
}
