// The Java broker's SASL server side (PlainSaslServer / ScramSaslServer from kafka-clients) for
// the Rust test sasl_java_peer.rs. Args: <mechanism> <username> <password>. Reads one hex-encoded
// client message per line from stdin and answers each with one line: "OK <hex response>" or
// "ERR <exception>: <message>", followed by "COMPLETE" once the server reports completion.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.Collections;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.SaslServer;

import org.apache.kafka.common.security.plain.PlainAuthenticateCallback;
import org.apache.kafka.common.security.plain.internals.PlainSaslServer;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.ScramCredentialCallback;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramSaslServer;

public class SaslServerPeer {
    public static void main(String[] args) throws Exception {
        String mechanism = args[0];
        String username = args[1];
        String password = args[2];
        SaslServer server;
        if (mechanism.equals("PLAIN")) {
            CallbackHandler handler = callbacks -> {
                String name = null;
                for (Callback cb : callbacks) {
                    if (cb instanceof NameCallback) {
                        name = ((NameCallback) cb).getDefaultName();
                    } else if (cb instanceof PlainAuthenticateCallback) {
                        PlainAuthenticateCallback plain = (PlainAuthenticateCallback) cb;
                        plain.authenticated(username.equals(name) && password.equals(new String(plain.password())));
                    } else {
                        throw new UnsupportedCallbackException(cb);
                    }
                }
            };
            server = new PlainSaslServer(handler);
        } else {
            ScramMechanism scram = ScramMechanism.forMechanismName(mechanism);
            ScramCredential credential = new ScramFormatter(scram).generateCredential(password, 4096);
            CallbackHandler handler = callbacks -> {
                String name = null;
                for (Callback cb : callbacks) {
                    if (cb instanceof NameCallback) {
                        name = ((NameCallback) cb).getDefaultName();
                    } else if (cb instanceof ScramCredentialCallback) {
                        if (username.equals(name)) {
                            ((ScramCredentialCallback) cb).scramCredential(credential);
                        }
                    } else {
                        throw new UnsupportedCallbackException(cb);
                    }
                }
            };
            server = new ScramSaslServer(scram, Collections.emptyMap(), handler);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            try {
                byte[] response = server.evaluateResponse(unhex(line.trim()));
                System.out.println("OK " + hex(response));
            } catch (Exception e) {
                System.out.println("ERR " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            if (server.isComplete()) {
                System.out.println("COMPLETE " + server.getAuthorizationID());
            }
            System.out.flush();
        }
    }

    static byte[] unhex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        if (bytes != null) {
            for (byte b : bytes) {
                sb.append(String.format("%02x", b & 0xff));
            }
        }
        return sb.toString();
    }
}
