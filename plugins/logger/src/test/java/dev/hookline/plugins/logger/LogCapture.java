package dev.hookline.plugins.logger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures what a logback logger writes, for assertions; restores the logger on close. */
final class LogCapture implements AutoCloseable {

    /** The plugin's logger, as the server (and TestHookContext) names it. */
    static final String LOGGER = "hookline.plugin.logger";

    private final Logger logger;
    private final Level level;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String name, Level level) {
        this.logger = (Logger) LoggerFactory.getLogger(name);
        this.level = logger.getLevel();
        logger.setLevel(level);
        appender.start();
        logger.addAppender(appender);
    }

    /** Captures the plugin's logger at DEBUG and above. */
    static LogCapture plugin() {
        return new LogCapture(LOGGER, Level.DEBUG);
    }

    /** Captures the plugin's logger with only the given level and above enabled. */
    static LogCapture plugin(Level level) {
        return new LogCapture(LOGGER, level);
    }

    List<ILoggingEvent> events() {
        synchronized (appender) { // AppenderBase.doAppend holds this lock
            return List.copyOf(appender.list);
        }
    }

    /** @return the formatted messages, in order */
    List<String> lines() {
        return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(level);
        appender.stop();
    }
}
