// Prints Java's ExponentialBackoff (multiplier 2, jitter 0 so the values are exact) for the Rust
// test backoff_vectors.rs: one line "<initial> <max> <attempts> <backoff>" per grid point.
import org.apache.kafka.common.utils.internals.ExponentialBackoff;

public class BackoffVectors {
    public static void main(String[] args) {
        long[] initials = {0, 1, 7, 50, 100, 1000, 30000};
        long[] maxima = {0, 10, 1000, 1001, 30000, 2147483647L};
        StringBuilder out = new StringBuilder();
        for (long initial : initials) {
            for (long max : maxima) {
                ExponentialBackoff backoff = new ExponentialBackoff(initial, 2, max, 0.0);
                for (int attempts = 0; attempts <= 40; attempts++) {
                    out.append(initial).append(' ').append(max).append(' ').append(attempts).append(' ')
                       .append(backoff.backoff(attempts)).append('\n');
                }
            }
        }
        System.out.print(out);
    }
}
