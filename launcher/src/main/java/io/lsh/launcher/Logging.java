package io.lsh.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * The one place that touches Logback: the console threshold (from {@code --log-level}) and the study's log file.
 * Console: LSH's own messages from the chosen level (INFO by default), other libraries only from WARN so that the
 * console stays readable; the file receives everything at DEBUG for LSH and INFO for libraries.
 */
public final class Logging {

    private Logging() {
    }

    /** Sets the console threshold for LSH's own loggers; libraries stay at WARN unless DEBUG is asked for. */
    public static void setConsoleLevel(Level level) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        var console = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE");
        if (console != null) {
            for (Filter<ILoggingEvent> filter : console.getCopyOfAttachedFiltersList()) {
                if (filter instanceof ConsoleFilter consoleFilter) {
                    consoleFilter.threshold = level;
                }
            }
        }
    }

    /** Starts writing the full log to {@code file} (appending) until the returned handle is closed. */
    public static AutoCloseable logToFile(Path file) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("STUDY_FILE " + file);
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        return () -> {
            root.detachAppender(appender);
            appender.stop();
        };
    }

    /** Filters console output: LSH's messages from the threshold on, everything else from WARN (or DEBUG when asked). */
    public static final class ConsoleFilter extends Filter<ILoggingEvent> {
        // Set from the main thread by setConsoleLevel; read by logging threads.
        private volatile Level threshold = Level.INFO;

        @Override
        public FilterReply decide(ILoggingEvent event) {
            Level level = threshold;
            boolean own = event.getLoggerName().startsWith("io.lsh");
            Level min = own || level == Level.DEBUG || level == Level.TRACE ? level
                    : (level.isGreaterOrEqual(Level.WARN) ? level : Level.WARN);
            return event.getLevel().isGreaterOrEqual(min) ? FilterReply.NEUTRAL : FilterReply.DENY;
        }
    }
}
