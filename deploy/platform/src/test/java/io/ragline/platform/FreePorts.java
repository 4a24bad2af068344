package io.ragline.platform;

import io.ragline.runtime.Ports;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Launcher settings for a test platform: its own data folder and a free loopback port for every process. */
final class FreePorts {

    private FreePorts() {}

    static Map<String, String> settings(Path dataDir) {
        Map<String, String> env = new HashMap<>();
        env.put("RAGLINE_DATA_DIR", dataDir.toString());
        for (String service : Settings.SERVICES) {
            env.put("RAGLINE_" + service.toUpperCase() + "_PORT", Integer.toString(Ports.freePort()));
        }
        env.put("RAGLINE_KAFKA_PORT", Integer.toString(Ports.freePort()));
        env.put("RAGLINE_KAFKA_CONTROLLER_PORT", Integer.toString(Ports.freePort()));
        env.put("RAGLINE_DB_PORT", Integer.toString(Ports.freePort()));
        return env;
    }
}
