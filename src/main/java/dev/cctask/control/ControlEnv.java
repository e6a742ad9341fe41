package dev.cctask.control;

/**
 * The names a supervised run puts into Claude's environment, and the paths its control server answers on (SPEC §14,
 * issue 17).
 * One place, so that the server, its client and the commands agree.
 */
public final class ControlEnv {
    /** The URL of the run's notify route, {@code http://127.0.0.1:PORT/notify} … */
    public static final String URL_VARIABLE = "RUN_TASK_NOTIFY_URL";
    /** … and the per-run secret the server wants as {@code Authorization: Bearer}. */
    public static final String SECRET_VARIABLE = "RUN_TASK_NOTIFY_SECRET";
    /** {@code notify -m TEXT} from inside the run: the text is posted on the run's route. */
    public static final String NOTIFY_PATH = "/notify";
    /** {@code steer TARGET -m TEXT}: the text is written to Claude's stdin (issue 17). Control secret only. */
    public static final String STEER_PATH = "/steer";
    /** {@code approve|deny TARGET N}: the answer to a permission request goes to Claude's stdin (issue 18). */
    public static final String APPROVE_PATH = "/approve";

    private ControlEnv() {}
}
