package io.ragline.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback port helpers. */
public final class Ports {

    private Ports() {}

    /** Below Linux's ephemeral range (32768-60999), where the kernel never hands out client ports. */
    private static final int LOWEST = 20000;

    private static final int HIGHEST = 32767;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /**
     * A port that was free on 127.0.0.1 a moment ago, chosen below the ephemeral range: a server started a minute later
     * cannot then find it taken by some client's outgoing connection (which happened with kernel-chosen ports), and no
     * port is handed out twice by this JVM.
     */
    public static int freePort() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST + 1);
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            } catch (IOException e) {
                continue;
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new UncheckedIOException(
                new IOException("no free port on 127.0.0.1 between " + LOWEST + " and " + HIGHEST));
    }

    /** True when something accepts connections on host:port. */
    public static boolean isListening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
