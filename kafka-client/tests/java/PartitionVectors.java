// Prints Java's partition for deterministic keys, for the Rust test partition_vectors.rs.
// Output, one line per key: <key hex or "-" for empty> <murmur2> then, per partition count,
// <Utils.toPositive(Utils.murmur2(key)) % n>/<BuiltInPartitioner.partitionForKey(key, n)>.
import java.util.Random;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.utils.Utils;

public class PartitionVectors {
    static final int[] COUNTS = {1, 3, 7, 12, 100};

    public static void main(String[] args) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            line(out, ("key-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        Random random = new Random(20241126L);
        for (int i = 0; i < 5000; i++) {
            byte[] key = new byte[random.nextInt(65)];
            random.nextBytes(key);
            line(out, key);
        }
        System.out.print(out);
    }

    static void line(StringBuilder out, byte[] key) {
        if (key.length == 0) {
            out.append('-');
        }
        for (byte b : key) {
            out.append(String.format("%02x", b & 0xff));
        }
        out.append(' ').append(Utils.murmur2(key));
        for (int n : COUNTS) {
            out.append(' ').append(Utils.toPositive(Utils.murmur2(key)) % n)
               .append('/').append(BuiltInPartitioner.partitionForKey(key, n));
        }
        out.append('\n');
    }
}
