// Runs Java's CooperativeStickyAssignor on scripted groups for the Rust test assignor_vectors.rs:
// members of the highest generation claiming the same partition, which Java's
// AbstractStickyAssignor treats as owned by nobody (partitionsWithMultiplePreviousOwners) and
// CooperativeStickyAssignor.adjustAssignment withholds for one round. Every case has all members
// on the same topics (Java's constrained builder) and only one balanced, sticky answer, so the
// Rust side can compare member by member. Output lines:
//   C <case name> <topic:partition count, csv>                         (new case)
//   S <member> <generation> <topics csv> <owned topic-partition csv, or ->  (a subscription)
//   A <member> <assigned topic-partition csv, or ->                   (Java's assignment)
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

public class AssignorVectors {
    static final StringBuilder OUT = new StringBuilder();
    static final Node NODE = new Node(0, "localhost", 9092);

    /** One member: name, generation, topics, owned partitions as "t-0". */
    record Member(String name, int generation, List<String> topics, List<String> owned) {}

    static Member member(String name, int generation, List<String> topics, String... owned) {
        return new Member(name, generation, topics, List.of(owned));
    }

    static TopicPartition tp(String s) {
        int dash = s.lastIndexOf('-');
        return new TopicPartition(s.substring(0, dash), Integer.parseInt(s.substring(dash + 1)));
    }

    static String csv(List<String> values) {
        return values.isEmpty() ? "-" : String.join(",", values);
    }

    static void run(String name, Map<String, Integer> topics, Member... members) {
        List<PartitionInfo> partitions = new ArrayList<>();
        List<String> counts = new ArrayList<>();
        for (Map.Entry<String, Integer> t : topics.entrySet()) {
            counts.add(t.getKey() + ":" + t.getValue());
            for (int p = 0; p < t.getValue(); p++) {
                partitions.add(new PartitionInfo(t.getKey(), p, NODE, new Node[] {NODE}, new Node[] {NODE}));
            }
        }
        OUT.append("C ").append(name).append(' ').append(String.join(",", counts)).append('\n');
        Cluster cluster = new Cluster("c", List.of(NODE), partitions, Collections.emptySet(), Collections.emptySet());
        Map<String, Subscription> subscriptions = new TreeMap<>();
        for (Member m : members) {
            List<TopicPartition> owned = new ArrayList<>();
            for (String o : m.owned()) {
                owned.add(tp(o));
            }
            subscriptions.put(m.name(), new Subscription(m.topics(), null, owned, m.generation(), Optional.empty()));
            OUT.append("S ").append(m.name()).append(' ').append(m.generation()).append(' ')
               .append(csv(m.topics())).append(' ').append(csv(m.owned())).append('\n');
        }
        Map<String, org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment> out =
            new TreeMap<>(new CooperativeStickyAssignor().assign(cluster, new GroupSubscription(subscriptions)).groupAssignment());
        for (Map.Entry<String, org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment> e : out.entrySet()) {
            List<String> assigned = new ArrayList<>();
            List<TopicPartition> sorted = new ArrayList<>(e.getValue().partitions());
            sorted.sort((a, b) -> a.topic().equals(b.topic())
                ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
            for (TopicPartition p : sorted) {
                assigned.add(p.topic() + "-" + p.partition());
            }
            OUT.append("A ").append(e.getKey()).append(' ').append(csv(assigned)).append('\n');
        }
    }

    public static void main(String[] args) {
        List<String> t = List.of("t");
        // Two members of generation 2 both claim t-1: neither keeps it, nobody gets it yet.
        run("two-claimants", Map.of("t", 3),
            member("a", 2, t, "t-0", "t-1"),
            member("b", 2, t, "t-1", "t-2"));
        // The same with a new member whose balanced share is exactly the contested partition.
        run("contested-to-new-member", Map.of("t", 3),
            member("a", 2, t, "t-0", "t-1"),
            member("b", 2, t, "t-1", "t-2"),
            member("c", -1, t));
        // Three claimants of t-0 in one generation; t-1 is c's alone.
        run("three-claimants", Map.of("t", 2),
            member("a", 4, t, "t-0"),
            member("b", 4, t, "t-0"),
            member("c", 4, t, "t-0", "t-1"));
        // A higher generation settles the claim: a keeps t-1, b loses it (no conflict).
        run("higher-generation-wins", Map.of("t", 4),
            member("a", 3, t, "t-0", "t-1"),
            member("b", 2, t, "t-1", "t-2", "t-3"));
        // A tie below the highest generation of the group is still a tie between its claimants.
        run("tie-in-an-older-generation", Map.of("t", 4),
            member("a", 5, t, "t-0", "t-1"),
            member("b", 4, t, "t-2"),
            member("c", 4, t, "t-2", "t-3"));
        System.out.print(OUT);
    }
}
