package io.baton.embedded;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of child JVMs: runs another main class and exits as soon as the parent JVM is gone, so a
 * child (the Kafka broker) never outlives a test JVM that was killed with SIGKILL.
 *
 * <p>Arguments: {@code <parent pid> <main class> <arguments of that main class...>}. Not meant to be
 * called from code.
 */
public final class ParentWatchingMain {

    private ParentWatchingMain() {
    }

    /**
     * Watches the parent process and runs the given main class.
     *
     * @param args parent pid, main class name, then that class's arguments
     * @throws Exception whatever the delegated main method throws, or a reflection failure when the class
     *     or its {@code main(String[])} method cannot be found
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: ParentWatchingMain <parent pid> <main class> [args...]");
        }
        long parentPid = Long.parseLong(args[0]);
        Thread watcher = new Thread(() -> watch(parentPid), "baton-parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
        Method main = Class.forName(args[1]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    private static void watch(long parentPid) {
        ProcessHandle.of(parentPid).ifPresentOrElse(parent -> parent.onExit().join(), () -> { });
        System.err.println("Parent JVM " + parentPid + " is gone: stopping this child JVM");
        System.exit(3);
    }
}
