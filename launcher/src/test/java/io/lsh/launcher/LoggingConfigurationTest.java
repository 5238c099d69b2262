package io.lsh.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped logback.xml (tests use logback-test.xml, so it would otherwise never be parsed here). */
class LoggingConfigurationTest {

    @Test
    void shippedConfigurationParsesWithoutErrors() throws Exception {
        URL config = getClass().getClassLoader().getResource("logback.xml");
        assertNotNull(config, "logback.xml is on the class path");
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(config);
        List<Status> problems = context.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getLevel() >= Status.WARN).toList();
        assertEquals(List.of(), problems);
        assertNotNull(context.getLogger("ROOT").getAppender("CONSOLE"), "console appender");
        context.stop();
    }
}
