package dev.cctask;

/** The one way this program makes a background thread: a daemon, named, so that it never holds the JVM up. */
public final class Threads {
    private Threads() {}

    /** A daemon thread named {@code name}, not started. */
    public static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
