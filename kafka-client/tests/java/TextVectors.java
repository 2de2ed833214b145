// Parses texts the way the Java client does, for the Rust test text_vectors.rs. Reads lines
// "<mode> <hex text>" from stdin, mode "jaas" (Kafka's JaasConfig, as sasl.jaas.config is read)
// or "properties" (java.util.Properties.load). Prints one line per input:
//   jaas:       OK <entries> <hex module> <hex username|-> <hex password|-> <tokenauth|->  or  ERR <message>
//   properties: OK <hex key>=<hex value> ... (sorted by key)                               or  ERR <message>
// It lives in JaasConfig's package because that class is package-private.
package org.apache.kafka.common.security;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import javax.security.auth.login.AppConfigurationEntry;

public class TextVectors {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] parts = line.split(" ", 2);
            String text = new String(unhex(parts.length > 1 ? parts[1] : ""), StandardCharsets.UTF_8);
            try {
                System.out.println(parts[0].equals("jaas") ? jaas(text) : properties(text));
            } catch (Exception e) {
                System.out.println("ERR " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            System.out.flush();
        }
    }

    static String jaas(String text) {
        AppConfigurationEntry[] entries = new JaasConfig("KafkaClient", text).getAppConfigurationEntry("KafkaClient");
        AppConfigurationEntry first = entries[0];
        Map<String, ?> options = first.getOptions();
        return "OK " + entries.length + " " + hex(first.getLoginModuleName()) + " " + opt(options.get("username"))
            + " " + opt(options.get("password")) + " " + (options.get("tokenauth") == null ? "-" : options.get("tokenauth"));
    }

    static String properties(String text) throws Exception {
        Properties props = new Properties();
        props.load(new StringReader(text));
        StringBuilder out = new StringBuilder("OK");
        for (Map.Entry<String, String> e : new TreeMap<String, String>((Map) props).entrySet()) {
            out.append(' ').append(hex(e.getKey())).append('=').append(hex(e.getValue()));
        }
        return out.toString();
    }

    static String opt(Object value) {
        return value == null ? "-" : hex((String) value);
    }

    static String hex(String s) {
        StringBuilder sb = new StringBuilder("x");
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            sb.append(String.format("%02x", b & 0xff));
        }
        return sb.toString();
    }

    static byte[] unhex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
