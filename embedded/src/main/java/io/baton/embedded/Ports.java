package io.baton.embedded;

import io.baton.BatonException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/** Free loopback ports, and waiting for a port to accept connections. */
final class Ports {

    static final String LOOPBACK = "127.0.0.1";

    /** Ports handed out by this JVM, so that two servers started in parallel never get the same one. */
    private static final Set<Integer> ISSUED = new HashSet<>();

    private Ports() {
    }

    /**
     * Returns a TCP port on 127.0.0.1 that was free a moment ago and has not been handed out before
     * by this JVM.
     *
     * @throws BatonException if the operating system hands out no free port
     */
    static synchronized int freePort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
                socket.setReuseAddress(true);
                int port = socket.getLocalPort();
                if (ISSUED.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new BatonException("Cannot find a free TCP port on " + LOOPBACK
                        + ": check that the loopback interface is up (ip link set lo up)", e);
            }
        }
        throw new BatonException("Cannot find a free TCP port on " + LOOPBACK
                + " after 50 attempts: too many ports in use; stop stale test servers");
    }

    /** Returns whether something accepts TCP connections on 127.0.0.1:{@code port} right now. */
    static boolean isOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Waits until 127.0.0.1:{@code port} accepts connections.
     *
     * @param process the server process; waiting stops early when it exits (may be null)
     * @return true when the port opened, false on timeout or when the process exited first
     */
    static boolean awaitOpen(int port, Duration timeout, Process process) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (isOpen(port)) {
                return true;
            }
            if (process != null && !process.isAlive()) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
