package dev.cctask;

import java.util.concurrent.Executor;

/** The one way this program makes a background thread: a daemon, named, so that it never holds the JVM up. */
public final class Threads {
    private Threads() {}

    /** A daemon thread named {@code name}, not started. */
    public static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** An executor that runs each task on a new daemon thread named {@code name}: for one-off background work. */
    public static Executor starting(String name) {
        return r -> daemon(r, name).start();
    }
}
